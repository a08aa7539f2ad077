import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import { asPatient, getAppointment, listSlots, resetBooking, seedPatients, startBookingWorld, type BookingWorld, type TestPatient } from '../support/booking.js';
import { asStaff, signInDemoStaff } from '../support/staff-sign-in.js';

// The priority channel (优先号): a scheduler books a priority place by phone or at the desk for
// an elderly (65+ on the visit date) or disabled hospital patient — the same atomic hold as
// online booking, locked and confirmed at the hospital at once, paid at the hospital window,
// audited; the family sees it when the 就诊人 is linked to the hospital's MPI record.

const EXPERT = 'pract-core-cardio-1';
const DATE = '2030-03-12';
const SESSION = `${EXPERT}|${DATE}|morning`;
const residentId = (first17: string) => first17 + residentIdCheckChar(first17);
/** Born 1961-06-01: 68 on the visit date; no hospital knows them. */
const ELDER = residentId('11010519610601123');
/** Born 1990-03-07: 40 on the visit date. */
const YOUNG = residentId('11010519900307155');
/** 王建国 (born 1958-03-15, 72), whom the simulator's MPI knows as pat-wang-jianguo. */
const WANG = residentId('11010119580315231');

let world: BookingWorld;
let patients: TestPatient[];
const tokens = {} as Record<'scheduler' | 'doctor' | 'admin', string>;

const staffSignIn = (username: string): Promise<string> => signInDemoStaff(world.app, world.clock.now(), username);


const bookPriority = (token: string, body: unknown) => world.app.fetch('/api/v1/staff/appointments', asStaff(token, 'POST', body));

/** The morning's priority slots still free, in start order. */
async function freePrioritySlots(doctorId = EXPERT): Promise<string[]> {
  const day = await listSlots(world.app, doctorId, DATE);
  const free = await world.app.connection.db!
    .collection('booking_slots')
    .find({ doctorId, date: DATE, period: 'morning', channel: 'priority', $expr: { $lt: ['$taken', '$capacity'] } })
    .sort({ start: 1 })
    .toArray();
  expect(day.items.length).toBeGreaterThan(0);
  return free.map((s) => String(s._id));
}

async function session() {
  const response = await world.app.fetch(`/api/v1/staff/sessions?doctorId=${EXPERT}&date=${DATE}`, asStaff(tokens.scheduler));
  const { items } = await readJson(response);
  return items.find((s: { id: string }) => s.id === SESSION);
}

beforeAll(async () => {
  world = await startBookingWorld({ staffAuth: true });
  patients = await seedPatients(world.app, world.clock, 2);
  tokens.scheduler = await staffSignIn('scheduler.core');
  tokens.doctor = await staffSignIn('doctor.core');
  tokens.admin = await staffSignIn('admin.core');
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
  await world.app.connection.db!.collection('audit_events').deleteMany({});
  await world.app.connection.db!.collection('patients').updateMany({}, { $set: { hospitalPatientId: null } });
});

describe('POST /staff/appointments', () => {
  it('books a priority place for a 68-year-old: confirmed at the hospital, paid at the window, audited', async () => {
    const [slotId] = await freePrioritySlots();
    const before = await session();
    expect(before.quota.priority).toBe(2);
    expect(before.taken.priority).toBe(1);

    const response = await bookPriority(tokens.scheduler, {
      slotId,
      patient: { name: '赵桂兰', idType: 'resident_id', idNumber: ELDER, phone: '13800138000' },
      reason: 'elderly',
    });
    expect(response.status).toBe(201);
    const body = await readJson(response);
    const slot = await world.app.connection.db!.collection('booking_slots').findOne({ _id: slotId as never });
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      status: 'booked',
      channel: 'priority',
      reason: 'elderly',
      patient: { name: '赵桂兰', idNumberMasked: `110***********${ELDER.slice(-4)}` },
      doctor: { id: EXPERT, name: '陈国华', titleText: '主任医师' },
      department: { id: 'dept-core-cardiology', name: expect.any(String) },
      institution: { id: 'org-core', name: expect.any(String) },
      sessionId: SESSION,
      slotId,
      start: expect.stringMatching(/^2030-03-12T\d\d:\d\d:00\+08:00$/),
      end: expect.stringMatching(/^2030-03-12T/),
      queueNumber: slot!.seq,
      amount: 10000,
      payment: 'at_window',
      hospitalRegistration: 'confirmed',
      createdAt: '2030-03-06T09:10:00+08:00',
    });

    // The hospital holds a confirmed registration for the slot.
    const stored = await world.app.connection.db!.collection('appointments').findOne({ _id: new Types.ObjectId(body.id) });
    expect(stored).toMatchObject({
      status: 'booked',
      bookedBy: 'staff',
      channel: 'priority',
      payment: { status: 'unpaid', outTradeNo: null },
      hospital: { lock: 'locked', registration: 'confirmed' },
      staffBooked: { staffId: 'staff-scheduler-core', reason: 'elderly', linked: false, payment: 'at_window', note: null },
    });
    expect(JSON.stringify(stored)).not.toContain(ELDER);
    const atHospital = world.hospital.state().appointments.filter((a) => a.id === stored!.hospital.registrationId);
    expect(atHospital).toEqual([expect.objectContaining({ status: 'booked', slot: `Slot/${slotId}` })]);

    const after = await session();
    expect(after.taken.priority).toBe(before.taken.priority + 1);

    const events = await world.app.connection.db!.collection('audit_events').find({}).toArray();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      staffId: 'staff-scheduler-core',
      role: 'scheduler',
      institutionId: 'org-core',
      action: 'write',
      resource: 'appointment.priority',
      outcome: 'allowed',
      requestId: response.headers.get('x-request-id'),
    });
    // The action is logged; the ID number never is.
    expect(world.app.logs.filter((l) => l.msg === 'priority place booked by staff' && l.appointmentId === body.id)).toHaveLength(1);
    expect(JSON.stringify(world.app.logs)).not.toContain(ELDER);
  });

  it('refuses the elderly priority for a 40-year-old, naming the rule; nothing is held', async () => {
    const [slotId] = await freePrioritySlots();
    const response = await bookPriority(tokens.scheduler, {
      slotId,
      patient: { name: '钱伟', idType: 'resident_id', idNumber: YOUNG },
      reason: 'elderly',
    });
    expect(response.status).toBe(422);
    expect((await readJson(response)).error).toEqual({
      code: 'priority_not_eligible',
      message: '老年人优先号仅限就诊当日年满65周岁的患者，该患者就诊当日40周岁',
      details: { rule: 'elderly_min_age', minAge: 65, age: 40 },
    });
    expect(await world.app.connection.db!.collection('appointments').countDocuments()).toBe(0);
    expect((await session()).taken.priority).toBe(1);
  });

  it('needs the note for a disabled patient and a valid resident ID (400 naming the field)', async () => {
    const [slotId] = await freePrioritySlots();
    const noNote = await bookPriority(tokens.scheduler, { slotId, patient: { name: '钱伟', idType: 'resident_id', idNumber: YOUNG }, reason: 'disabled' });
    expect(noNote.status).toBe(400);
    expect(JSON.stringify((await readJson(noNote)).error)).toContain('note');
    const badId = await bookPriority(tokens.scheduler, {
      slotId,
      patient: { name: '钱伟', idType: 'resident_id', idNumber: `${YOUNG.slice(0, 17)}${YOUNG[17] === '0' ? '1' : '0'}` },
      reason: 'elderly',
    });
    expect(badId.status).toBe(400);
    const error = (await readJson(badId)).error;
    expect(JSON.stringify(error)).toContain('idNumber');
    expect(JSON.stringify(error)).toContain('身份证号校验位不正确');

    const disabled = await bookPriority(tokens.scheduler, {
      slotId,
      patient: { name: '钱伟', idType: 'resident_id', idNumber: YOUNG },
      reason: 'disabled',
      note: '已查验残疾证',
    });
    expect(disabled.status).toBe(201);
    expect((await readJson(disabled)).reason).toBe('disabled');
  });

  it('answers 409 slot_unavailable when no priority place is left, and never oversells', async () => {
    const [slotId] = await freePrioritySlots();
    expect(await freePrioritySlots()).toHaveLength(1);
    const tries = await Promise.all(
      [ELDER, WANG].map((idNumber, i) =>
        bookPriority(tokens.scheduler, { slotId, patient: { name: i === 0 ? '赵桂兰' : '王建国', idType: 'resident_id', idNumber }, reason: 'elderly' }),
      ),
    );
    expect(tries.map((r) => r.status).sort()).toEqual([201, 409]);
    const refused = tries.find((r) => r.status === 409)!;
    expect((await readJson(refused)).error.code).toBe('slot_unavailable');
    expect(await freePrioritySlots()).toHaveLength(0);
    expect((await session()).taken.priority).toBe(2);
    expect(await world.app.connection.db!.collection('appointments').countDocuments({ status: 'booked', slotId })).toBe(1);
  });

  it('applies the per-patient rules: one appointment per doctor per day', async () => {
    const [slotId] = await freePrioritySlots();
    const first = await bookPriority(tokens.scheduler, { slotId, patient: { name: '赵桂兰', idType: 'resident_id', idNumber: ELDER }, reason: 'elderly' });
    expect(first.status).toBe(201);
    await world.app.connection.db!.collection('booking_slots').updateMany({ sessionId: `${EXPERT}|${DATE}|afternoon`, taken: 0 }, { $set: { channel: 'priority' } });
    const afternoon = await world.app.connection.db!
      .collection('booking_slots')
      .findOne({ sessionId: `${EXPERT}|${DATE}|afternoon`, channel: 'priority', $expr: { $lt: ['$taken', '$capacity'] } });
    const second = await bookPriority(tokens.scheduler, {
      slotId: afternoon!._id,
      patient: { name: '赵桂兰', idType: 'resident_id', idNumber: ELDER },
      reason: 'elderly',
    });
    expect(second.status).toBe(409);
    expect((await readJson(second)).error.code).toBe('duplicate_doctor_day');
  });

  it('is for schedulers and admins of the slot’s institution: other institution 404, doctor 403, patient token 401', async () => {
    const [slotId] = await freePrioritySlots();
    const input = { slotId, patient: { name: '赵桂兰', idType: 'resident_id', idNumber: ELDER }, reason: 'elderly' };
    expect((await bookPriority(tokens.doctor, input)).status).toBe(403);
    expect((await world.app.fetch('/api/v1/staff/appointments', asPatient(patients[0]!, 'POST', input))).status).toBe(401);
    const [countySlot] = await freePrioritySlots('pract-county-internal-1');
    const county = await bookPriority(tokens.scheduler, { ...input, slotId: countySlot });
    expect(county.status).toBe(404);
    expect(await world.app.connection.db!.collection('appointments').countDocuments()).toBe(0);
    const admin = await bookPriority(tokens.admin, input);
    expect(admin.status).toBe(201);
  });

  it('attaches the booking to the linked 就诊人: the family sees it under 预约 and cancelling refunds nothing', async () => {
    const family = patients[1]!;
    await world.app.connection.db!
      .collection('patients')
      .updateOne({ _id: new Types.ObjectId(family.patientId) }, { $set: { hospitalPatientId: 'pat-wang-jianguo' } });
    const [slotId] = await freePrioritySlots();
    const response = await bookPriority(tokens.scheduler, { slotId, patient: { name: '王建国', idType: 'resident_id', idNumber: WANG }, reason: 'elderly' });
    expect(response.status).toBe(201);
    const { id } = await readJson(response);

    const list = await world.app.fetch('/api/v1/appointments?view=upcoming', asPatient(family));
    expect(list.status).toBe(200);
    const items = (await readJson(list)).items;
    expect(items.map((a: { id: string }) => a.id)).toEqual([id]);

    const seen = await getAppointment(world.app, family, id);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'booked', channel: 'priority', patient: { id: family.patientId, name: '王建国' }, payment: { status: 'unpaid' } });
    expect(seen.body.cancel.ruleText).toBe('就诊前24小时（3月11日 09:00）前可取消（挂号费到医院窗口缴纳，无需退款），之后不能在线取消');
    expect(seen.body.visit.instructions).toContain('本次为医院工作人员预约的优先号，挂号费请到医院窗口缴纳');
    // Another account cannot see it.
    expect((await getAppointment(world.app, patients[0]!, id)).status).toBe(404);
    // The family is told, with where the fee is paid.
    const messages = await readJson(await world.app.fetch('/api/v1/notifications', asPatient(family)));
    expect(messages.items.filter((m: { appointmentId: string }) => m.appointmentId === id).map((m: { kind: string; body: string }) => [m.kind, m.body.includes('挂号费请到医院窗口缴纳')])).toEqual([
      ['booking_confirmed', true],
    ]);

    const cancel = await world.app.fetch(`/api/v1/appointments/${id}/cancel`, asPatient(family, 'POST', {}));
    expect(cancel.status).toBe(200);
    const cancelled = await readJson(cancel);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelReasonText).toBe('您已取消预约，挂号费未在线支付，无需退款');
    expect(cancelled.refund).toBeNull();
    await world.app.booking!.idle();
    expect((await session()).taken.priority).toBe(1);
  });

  it('a 停诊 cancels a staff-booked place without promising a refund: nothing was paid online', async () => {
    const [slotId] = await freePrioritySlots();
    const booked = await bookPriority(tokens.scheduler, {
      slotId,
      patient: { name: '赵桂兰', idType: 'resident_id', idNumber: ELDER },
      reason: 'elderly',
    });
    expect(booked.status).toBe(201);
    const { id } = await readJson(booked);

    const stop = await world.app.fetch(
      `/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/stop`,
      asStaff(tokens.scheduler, 'POST', { reason: '医生临时外出会诊' }),
    );
    expect(stop.status).toBe(200);
    await world.app.booking!.idle();
    const stored = await world.app.connection.db!.collection('appointments').findOne({ _id: new Types.ObjectId(id) });
    expect(stored).toMatchObject({
      status: 'cancelled',
      cancelReasonText: '医生停诊（医生临时外出会诊），预约已取消，挂号费未在线支付，无需退款',
      refund: null,
    });
  });
});
