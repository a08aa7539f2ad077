import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import {
  asPatient,
  book,
  bookOk,
  getAppointment,
  listSlots,
  payInSandbox,
  resetBooking,
  seedPatients,
  startBookingWorld,
  type BookingWorld,
  type TestPatient,
} from '../support/booking.js';
import { asStaff, signInDemoStaff } from '../support/staff-sign-in.js';

// The staff side of booking, behind staff sign-in and scoped to the staff member's institution:
// a doctor's sessions with their places per channel, changing the split, stopping a session
// (patients cancelled, refunded, told), and the payment reconciliation list.

const EXPERT = 'pract-core-cardio-1';
const DOCTOR = 'pract-core-cardio-3';
const SESSION = `${DOCTOR}|2030-03-11|morning`;

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;
const tokens = {} as Record<'scheduler' | 'doctor' | 'admin', string>;

const staffSignIn = (username: string): Promise<string> => signInDemoStaff(world.app, world.clock.now(), username);

beforeAll(async () => {
  world = await startBookingWorld({ staffAuth: true });
  patients = await seedPatients(world.app, world.clock, 20);
  tokens.scheduler = await staffSignIn('scheduler.core');
  tokens.doctor = await staffSignIn('doctor.core');
  tokens.admin = await staffSignIn('admin.core');
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
});


describe('GET /staff/sessions', () => {
  it('shows an expert’s sessions with places and taken places per channel', async () => {
    const response = await world.app.fetch(`/api/v1/staff/sessions?doctorId=${EXPERT}&date=2030-03-12`, asStaff(tokens.scheduler));
    expect(response.status).toBe(200);
    const { items } = await readJson(response);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      id: `${EXPERT}|2030-03-12|morning`,
      doctor: { id: EXPERT, name: '陈国华', titleText: '主任医师' },
      departmentId: 'dept-core-cardiology',
      institutionId: 'org-core',
      date: '2030-03-12',
      period: 'morning',
      start: '2030-03-12T08:00:00+08:00',
      end: '2030-03-12T12:00:00+08:00',
      fee: 10000,
      quota: { public: 10, referral: 4, priority: 2 },
      taken: { public: 7, referral: 1, priority: 1 },
      referralReleaseAt: '2030-03-11T08:00:00+08:00',
      stopped: false,
      stoppedAt: null,
      stopReason: null,
    });
  });

  it('is for schedulers and admins of the doctor’s institution only', async () => {
    expect((await world.app.fetch(`/api/v1/staff/sessions?doctorId=${EXPERT}&date=2030-03-12`, asStaff(tokens.doctor))).status).toBe(403);
    const patient = fresh();
    expect((await world.app.fetch(`/api/v1/staff/sessions?doctorId=${EXPERT}&date=2030-03-12`, asPatient(patient))).status).toBe(401);
    const county = await world.app.fetch('/api/v1/staff/sessions?doctorId=pract-county-internal-1&date=2030-03-12', asStaff(tokens.scheduler));
    expect(county.status).toBe(404);
    const missing = await world.app.fetch(`/api/v1/staff/sessions?doctorId=${EXPERT}`, asStaff(tokens.scheduler));
    expect(missing.status).toBe(400);
  });
});

describe('PUT /staff/sessions/:id/quota', () => {
  it('changes how many places are kept for referrals and the priority channel', async () => {
    await listSlots(world.app, EXPERT, '2030-03-12');
    const id = encodeURIComponent(`${EXPERT}|2030-03-12|morning`);
    const response = await world.app.fetch(`/api/v1/staff/sessions/${id}/quota`, asStaff(tokens.scheduler, 'PUT', { referral: 2, priority: 0 }));
    expect(response.status).toBe(200);
    expect((await readJson(response)).quota).toEqual({ public: 14, referral: 2, priority: 0 });
    const day = await listSlots(world.app, EXPERT, '2030-03-12');
    const morning = day.items.filter((s: { period: string }) => s.period === 'morning');
    expect(morning.filter((s: { channel: string }) => s.channel === 'priority')).toEqual([]);
    expect(morning.filter((s: { channel: string }) => s.channel === 'referral')).toHaveLength(2);

    const tooMany = await world.app.fetch(`/api/v1/staff/sessions/${id}/quota`, asStaff(tokens.scheduler, 'PUT', { referral: 10, priority: 7 }));
    expect(tooMany.status).toBe(409);
    expect((await readJson(tooMany)).error).toEqual({ code: 'quota_does_not_fit', message: '该时段共16个号，转诊预留与优先号合计不能超过16个' });
    const bad = await world.app.fetch(`/api/v1/staff/sessions/${id}/quota`, asStaff(tokens.scheduler, 'PUT', { referral: -1, priority: 0 }));
    expect(bad.status).toBe(400);
  });
});

describe('POST /staff/sessions/:id/stop', () => {
  it('stops a session: every patient cancelled, the paid ones refunded, all told; no new bookings', async () => {
    await listSlots(world.app, DOCTOR, '2030-03-11');
    const [unpaid, paid] = [fresh(), fresh()];
    const hold = await bookOk(world.app, unpaid, 'slot-pract-core-cardio-3-20300311-0800');
    const booked = await bookOk(world.app, paid, 'slot-pract-core-cardio-3-20300311-0815');
    await payInSandbox(world, paid, booked.id);

    const response = await world.app.fetch(
      `/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/stop`,
      asStaff(tokens.scheduler, 'POST', { reason: '医生外出会诊' }),
    );
    expect(response.status).toBe(200);
    const result = await readJson(response);
    expect(result).toMatchObject({ cancelled: 2, refunds: 1, session: { id: SESSION, stopped: true, stopReason: '医生外出会诊', stoppedAt: '2030-03-06T09:10:00+08:00' } });

    expect((await getAppointment(world.app, unpaid, hold.id)).body).toMatchObject({
      status: 'cancelled',
      refund: null,
      cancelReasonText: '医生停诊（医生外出会诊），预约已取消',
    });
    expect((await getAppointment(world.app, paid, booked.id)).body).toMatchObject({
      status: 'cancelled',
      refund: { status: 'processing', amount: 5000, reasonText: '医生停诊（医生外出会诊），全额退款' },
      cancelReasonText: '医生停诊（医生外出会诊），预约已取消，挂号费原路全额退还',
    });
    const notes = await world.app.connection.db!.collection('notifications').find({ kind: 'session_stopped' }).toArray();
    expect(notes.map((n) => n.title)).toEqual(['医生停诊通知', '医生停诊通知']);
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['cancelled', 'cancelled']);
    const day = await listSlots(world.app, DOCTOR, '2030-03-11');
    expect(day.items.filter((s: { period: string }) => s.period === 'morning').every((s: { reason?: string }) => s.reason === 'session_stopped')).toBe(true);
    const late = await book(world.app, fresh(), 'slot-pract-core-cardio-3-20300311-0830');
    expect(late.status).toBe(409);
    expect((await readJson(late)).error.code).toBe('session_stopped');
    await world.app.wechatPaySandbox!.controls.completeRefunds();
    expect((await getAppointment(world.app, paid, booked.id)).body.refund.status).toBe('succeeded');
  });
});

describe('reconciliation', () => {
  it('matches our payments and refunds with the WeChat Pay bill and the hospital, and lists what does not', async () => {
    // The next day, so the bill holds this test's payments only (the sandbox keeps earlier ones).
    world.clock.set('2030-03-07T09:10:00+08:00');
    const admin = await staffSignIn('admin.core');
    const scheduler = await staffSignIn('scheduler.core');
    await listSlots(world.app, DOCTOR, '2030-03-11');
    const [kept, refunded] = [fresh(), fresh()];
    const one = await bookOk(world.app, kept, 'slot-pract-core-cardio-3-20300311-0800');
    const two = await bookOk(world.app, refunded, 'slot-pract-core-cardio-3-20300311-0815');
    await payInSandbox(world, kept, one.id);
    await payInSandbox(world, refunded, two.id);
    expect((await world.app.fetch(`/api/v1/appointments/${two.id}/cancel`, asPatient(refunded, 'POST', {}))).status).toBe(200);
    await world.app.wechatPaySandbox!.controls.completeRefunds();

    expect(await world.app.booking!.jobs.reconcile('2030-03-07')).toBe(0);

    // A payment only we know of, and a booked registration the hospital cancelled on its side.
    const db = world.app.connection.db!;
    const ghost = new Types.ObjectId();
    await db.collection('appointments').insertOne({
      _id: ghost,
      institutionId: 'org-core',
      status: 'booked',
      amount: 5000,
      hospital: { registrationId: null },
      payment: { status: 'paid', outTradeNo: `CL${ghost.toHexString()}`, paidAt: new Date('2030-03-07T02:00:00Z'), paidAmount: 5000 },
    });
    const registration = (await db.collection('appointments').findOne({ _id: new Types.ObjectId(one.id) }))!.hospital.registrationId;
    const current = (await (await fetch(`${world.hospital.baseUrl}/Appointment/${registration}`)).json()) as Record<string, unknown>;
    const cancelled = await fetch(`${world.hospital.baseUrl}/Appointment/${registration}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ ...current, status: 'cancelled' }),
    });
    expect(cancelled.status).toBe(200);

    expect(await world.app.booking!.jobs.reconcile('2030-03-07')).toBe(2);
    const response = await world.app.fetch('/api/v1/staff/reconciliation?date=2030-03-07', asStaff(admin));
    expect(response.status).toBe(200);
    const report = await readJson(response);
    expect(report).toEqual({
      date: '2030-03-07',
      ranAt: '2030-03-07T09:10:00+08:00',
      compared: { payments: 3, refunds: 1 },
      items: [
        {
          id: `2030-03-07|missing_in_bill|CL${ghost.toHexString()}`,
          date: '2030-03-07',
          kind: 'missing_in_bill',
          kindText: '我方已收款，微信支付账单中没有',
          outTradeNo: `CL${ghost.toHexString()}`,
          outRefundNo: null,
          appointmentId: ghost.toHexString(),
          institutionId: 'org-core',
          ours: 5000,
          theirs: null,
          detectedAt: '2030-03-07T09:10:00+08:00',
        },
        {
          id: `2030-03-07|registration_missing|${one.id}`,
          date: '2030-03-07',
          kind: 'registration_missing',
          kindText: '已收款已预约，医院无有效挂号',
          outTradeNo: `CL${one.id}`,
          outRefundNo: null,
          appointmentId: one.id,
          institutionId: 'org-core',
          ours: null,
          theirs: null,
          detectedAt: '2030-03-07T09:10:00+08:00',
        },
      ],
    });
    expect((await world.app.fetch('/api/v1/staff/reconciliation?date=2030-03-07', asStaff(scheduler))).status).toBe(403);
  });
});
