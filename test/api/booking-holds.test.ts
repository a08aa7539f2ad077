import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import {
  asPatient,
  BOOKING_NOW,
  book,
  bookOk,
  getAppointment,
  listSlots,
  seedPatients,
  resetBooking,
  startBookingWorld,
  type BookingWorld,
  type TestPatient,
} from '../support/booking.js';

// Holding a place: the 201, the rules that refuse a booking (each named in the message), the
// hospital lock (taken at the window → 409; no answer → cleaned up later), and the expiry of an
// unpaid hold. 赵鹏 (pract-core-cardio-3) on Monday 2030-03-11; the clock is Wednesday 09:10.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const SLOT_0800 = 'slot-pract-core-cardio-3-20300311-0800';
const SLOT_0815 = 'slot-pract-core-cardio-3-20300311-0815';
const SLOT_0930 = 'slot-pract-core-cardio-3-20300311-0930';
const SLOT_1330 = 'slot-pract-core-cardio-3-20300311-1330';

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
/** A patient nobody used yet in this file (rules are per patient and account). */
const fresh = () => patients[next++]!;

beforeAll(async () => {
  world = await startBookingWorld({ env: { BOOKING_MAX_ACTIVE_PER_PATIENT: '2' } });
  patients = await seedPatients(world.app, world.clock, 40);
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
  await listSlots(world.app, DOCTOR, DATE);
});

describe('POST /appointments', () => {
  it('holds a place for 15 minutes, locked at the hospital', async () => {
    const patient = fresh();
    const response = await book(world.app, patient, SLOT_0800);
    expect(response.status).toBe(201);
    const body = await readJson(response);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      status: 'pending_payment',
      statusText: '待支付',
      channel: 'public',
      patient: { id: patient.patientId, name: patient.name },
      doctor: { id: DOCTOR, name: '赵鹏', titleText: '主治医师' },
      department: { id: 'dept-core-cardiology', name: '心血管内科' },
      institution: { id: 'org-core', name: expect.any(String), address: expect.any(String) },
      slotId: SLOT_0800,
      start: '2030-03-11T08:00:00+08:00',
      end: '2030-03-11T08:15:00+08:00',
      amount: 5000,
      payBy: '2030-03-06T09:25:00+08:00',
      createdAt: '2030-03-06T09:10:00+08:00',
      payment: { status: 'unpaid', paidAt: null },
      refund: null,
      cancel: { allowed: true, freeUntil: '2030-03-10T08:00:00+08:00', ruleText: '尚未支付，可随时取消，不产生费用' },
      visit: null,
      cancelledAt: null,
      cancelReasonText: null,
    });
    const hospital = world.hospital.state().appointments;
    expect(hospital).toEqual([{ id: expect.any(String), status: 'pending', slot: `Slot/${SLOT_0800}`, patient: `Patient/${patient.patientId}`, start: '2030-03-11T08:00:00+08:00' }]);
    const slots = await listSlots(world.app, DOCTOR, DATE);
    expect(slots.items[0]).toMatchObject({ id: SLOT_0800, bookable: false, remaining: 0, reason: 'booked_out' });
    expect((await getAppointment(world.app, patient, body.id)).body).toEqual(body);
  });

  it('refuses a second appointment with the same doctor the same day', async () => {
    const patient = fresh();
    await bookOk(world.app, patient, SLOT_0800);
    const response = await book(world.app, patient, SLOT_1330);
    expect(response.status).toBe(409);
    expect(await readJson(response)).toEqual({
      error: {
        code: 'duplicate_doctor_day',
        message: '该就诊人当天已预约过这位医生（预约规则：同一就诊人同一医生同一天只能预约1个号），请在“我的预约”中查看',
      },
    });
    expect(await world.app.connection.db!.collection('appointments').countDocuments()).toBe(1);
  });

  it('refuses more active appointments than the institution allows (2 here)', async () => {
    const patient = fresh();
    await listSlots(world.app, 'pract-core-cardio-4', DATE);
    await listSlots(world.app, 'pract-core-endo-3', DATE);
    const other = await listSlots(world.app, 'pract-core-cardio-4', DATE);
    const endo = await listSlots(world.app, 'pract-core-endo-3', DATE);
    await bookOk(world.app, patient, SLOT_0800);
    await bookOk(world.app, patient, other.items.find((s: { bookable: boolean }) => s.bookable).id);
    const response = await book(world.app, patient, endo.items.find((s: { bookable: boolean }) => s.bookable).id);
    expect(response.status).toBe(409);
    expect(await readJson(response)).toEqual({
      error: {
        code: 'active_limit_reached',
        message: '该就诊人已有2个未就诊的预约（预约规则：最多同时2个），请就诊或取消后再预约',
        details: { max: 2 },
      },
    });
  });

  it('limits an account to 5 booking attempts a minute', async () => {
    const patient = fresh();
    world.clock.advance(10_000);
    for (let i = 0; i < 5; i++) expect((await book(world.app, patient, 'slot-nope')).status).toBe(404);
    const response = await book(world.app, patient, SLOT_0800);
    expect(response.status).toBe(429);
    expect(await readJson(response)).toEqual({
      error: {
        code: 'rate_limited',
        message: '该账号预约操作过于频繁（防刷号规则：每分钟最多5次），请50秒后再试',
        details: { scope: 'account', limit: 5, retryAfterSeconds: 50 },
      },
    });
    world.clock.advance(50_000);
    expect((await book(world.app, patient, SLOT_0800)).status).toBe(201);
  });

  it('limits attempts for one patient to 5 a minute, whichever account makes them', async () => {
    const [owner, family] = [fresh(), fresh()];
    // The family account acts for the owner's patient (家人代办).
    await world.app.connection.db!.collection('patients').updateOne(
      { _id: new Types.ObjectId(owner.patientId) },
      { $set: { proxies: [{ accountId: new Types.ObjectId(family.accountId), since: new Date(BOOKING_NOW), invitationId: new Types.ObjectId() }] } },
    );
    world.clock.advance(10_000);
    const attempt = (by: TestPatient, slotId: string) =>
      world.app.fetch('/api/v1/appointments', asPatient(by, 'POST', { slotId, patientId: owner.patientId }));
    expect((await attempt(owner, SLOT_0800)).status).toBe(201);
    expect((await attempt(owner, SLOT_1330)).status).toBe(409);
    expect((await attempt(owner, SLOT_1330)).status).toBe(409);
    expect((await attempt(family, SLOT_1330)).status).toBe(409);
    expect((await attempt(family, SLOT_1330)).status).toBe(409);
    const response = await attempt(family, SLOT_1330);
    expect(response.status).toBe(429);
    expect((await readJson(response)).error).toEqual({
      code: 'rate_limited',
      message: '该就诊人预约操作过于频繁（防刷号规则：每分钟最多5次），请50秒后再试',
      details: { scope: 'patient', limit: 5, retryAfterSeconds: 50 },
    });
  });

  it('pauses online booking after 3 no-shows in 90 days', async () => {
    const patient = fresh();
    const db = world.app.connection.db!;
    const days = [10, 40, 80];
    await db.collection('appointments').insertMany(
      days.map((d) => ({
        patientId: new Types.ObjectId(patient.patientId),
        accountId: new Types.ObjectId(patient.accountId),
        status: 'no_show',
        start: new Date(Date.parse(BOOKING_NOW) - d * 86_400_000),
      })),
    );
    const response = await book(world.app, patient, SLOT_0800);
    expect(response.status).toBe(403);
    expect(await readJson(response)).toEqual({
      error: {
        code: 'booking_paused_no_show',
        message: '该就诊人90天内爽约已达3次，在线预约暂停30天（爽约规则），3月26日 09:10后恢复；如有疑问请联系医院',
        details: { pausedUntil: '2030-03-26T01:10:00.000Z', threshold: 3, windowDays: 90, pauseDays: 30 },
      },
    });
  });

  it('explains slots that cannot be booked: not open yet, reserved, unknown', async () => {
    const patient = fresh();
    await listSlots(world.app, DOCTOR, '2030-03-13');
    const early = await book(world.app, patient, 'slot-pract-core-cardio-3-20300313-0800');
    expect(early.status).toBe(409);
    expect(await readJson(early)).toEqual({
      error: {
        code: 'booking_not_open',
        message: '尚未放号：该日号源将于3月6日 15:00开放预约（预约规则：每天定时放出新一天的号）',
        details: { reason: 'not_open_yet', opensAt: '2030-03-06T07:00:00.000Z' },
      },
    });
    const reserved = await book(world.app, patient, 'slot-pract-core-cardio-3-20300311-1100');
    expect(reserved.status).toBe(409);
    expect((await readJson(reserved)).error).toEqual({
      code: 'channel_reserved',
      message: '该号为老年人、残障人士优先号，请电话或到院由工作人员预约',
      details: { reason: 'priority_reserved' },
    });
    const unknown = await book(world.app, patient, 'slot-nope');
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toEqual({ error: { code: 'slot_not_found', message: '未找到该号源，请返回医生排班重新选择' } });
    const bad = await world.app.fetch('/api/v1/appointments', asPatient(patient, 'POST', { slotId: SLOT_0800 }));
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.details).toEqual([{ path: 'body.patientId', code: 'invalid_type', message: expect.any(String) }]);
  });

  it('answers 404 for another account’s patient and holds nothing', async () => {
    const [owner, other] = [fresh(), fresh()];
    const response = await world.app.fetch('/api/v1/appointments', asPatient(other, 'POST', { slotId: SLOT_0800, patientId: owner.patientId }));
    expect(response.status).toBe(404);
    expect(await readJson(response)).toEqual({ error: { code: 'not_found', message: '未找到该就诊人，请刷新列表后重试' } });
    expect(await world.app.connection.db!.collection('appointments').countDocuments()).toBe(0);
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ bookable: true });
  });

  it('gives 409 when the hospital’s window took the place meanwhile, and stops selling it', async () => {
    const patient = fresh();
    const walkIn = await fetch(`${world.hospital.baseUrl}/Appointment`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Appointment',
        status: 'booked',
        slot: [{ reference: `Slot/${SLOT_0815}` }],
        participant: [{ actor: { reference: 'Patient/pat-walk-in' }, status: 'accepted' }],
      }),
    });
    expect(walkIn.status).toBe(201);
    const response = await book(world.app, patient, SLOT_0815);
    expect(response.status).toBe(409);
    expect(await readJson(response)).toEqual({
      error: { code: 'slot_unavailable', message: '该号源已在医院被预约，请选择其他时段', details: { reason: 'booked_out' } },
    });
    const db = world.app.connection.db!;
    expect(await db.collection('appointments').countDocuments()).toBe(0);
    expect(await db.collection('booking_slots').findOne({ _id: SLOT_0815 as never })).toMatchObject({ taken: 0, capacity: 0 });
    expect((await listSlots(world.app, DOCTOR, DATE)).items[1]).toMatchObject({ id: SLOT_0815, reason: 'booked_out' });
    // The patient may book another place at once (the claim was given back).
    expect((await book(world.app, patient, SLOT_0930)).status).toBe(201);
  });

  it('keeps the place while the hospital lock’s outcome is unknown, and cleans up once the hospital answers', async () => {
    const patient = fresh();
    world.hospital.faults.set({ latencyMs: 2_000, match: '/Appointment' });
    const response = await book(world.app, patient, SLOT_0800);
    expect(response.status).toBe(504);
    expect(await readJson(response)).toEqual({ error: { code: 'hospital_timeout', message: '医院系统响应超时，请稍后再试' } });
    const db = world.app.connection.db!;
    const [attempt] = await db.collection('appointments').find().toArray();
    expect(attempt).toMatchObject({
      status: 'cancelled',
      placeHeld: true,
      hospital: { lock: 'unknown', cancel: 'pending' },
      cancelReasonText: '医院系统未及时响应，本次预约未成功，未产生费用；请稍后重新预约',
    });
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ bookable: false, reason: 'booked_out' });

    world.hospital.faults.clear();
    expect(await world.app.booking!.jobs.settleReleases()).toBe(1);
    expect(await db.collection('appointments').findOne({ _id: attempt!._id })).toMatchObject({ placeHeld: false, hospital: { cancel: 'done' } });
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ id: SLOT_0800, bookable: true });
    // Nothing is left held at the hospital either.
    expect(world.hospital.state().appointments.filter((a) => a.status !== 'cancelled')).toEqual([]);
    expect(await world.app.booking!.jobs.settleReleases()).toBe(0);
  });

  it('books through a slow hospital that still answers in time', async () => {
    const patient = fresh();
    world.hospital.faults.set({ latencyMs: 200 });
    const held = await bookOk(world.app, patient, SLOT_0800);
    expect(held.status).toBe('pending_payment');
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['pending']);
  });
});

describe('an unpaid hold', () => {
  it('expires after 15 minutes: the place goes back, the hospital lock is cancelled, the patient is told', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    world.clock.advance(14 * 60_000);
    expect(await world.app.booking!.jobs.expireHolds()).toBe(0);
    world.clock.advance(60_000);
    expect(await world.app.booking!.jobs.expireHolds()).toBe(1);

    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({ status: 'expired', statusText: '已过期', payment: { status: 'closed', paidAt: null }, cancelReasonText: '超时未支付，号源已释放' });
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ id: SLOT_0800, bookable: true, remaining: 1 });
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['cancelled']);
    const notes = await world.app.connection.db!.collection('notifications').find().toArray();
    expect(notes.map((n) => [n.kind, n.title, n.body])).toEqual([
      ['hold_expired', '预约已超时', `${patient.name}的3月11日 08:00 赵鹏预约未在规定时间内支付，号源已释放。`],
    ]);
    // The patient can book again (the claim went with the hold).
    expect((await book(world.app, patient, SLOT_1330)).status).toBe(201);
    expect(await world.app.booking!.jobs.expireHolds()).toBe(0);
  });
});

describe('GET /appointments', () => {
  it('lists the account’s appointments by view', async () => {
    const patient = fresh();
    const kept = await bookOk(world.app, patient, SLOT_0800);
    const list = async (view: string) => {
      const response = await world.app.fetch(`/api/v1/appointments?view=${view}`, asPatient(patient));
      expect(response.status).toBe(200);
      return (await readJson(response)).items.map((a: { id: string; status: string }) => `${a.id} ${a.status}`);
    };
    expect(await list('upcoming')).toEqual([`${kept.id} pending_payment`]);
    expect(await list('past')).toEqual([]);
    expect(await list('cancelled')).toEqual([]);
    const cancelled = await world.app.fetch(`/api/v1/appointments/${kept.id}/cancel`, asPatient(patient, 'POST', {}));
    expect(cancelled.status).toBe(200);
    expect(await list('upcoming')).toEqual([]);
    expect(await list('cancelled')).toEqual([`${kept.id} cancelled`]);
    const bad = await world.app.fetch('/api/v1/appointments?view=all', asPatient(patient));
    expect(bad.status).toBe(400);
  });
});
