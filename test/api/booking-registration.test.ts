import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import {
  asPatient,
  BOOKING_NOW,
  bookOk,
  getAppointment,
  listSlots,
  payInSandbox,
  seedPatients,
  resetBooking,
  startBookingWorld,
  type BookingWorld,
  type TestPatient,
} from '../support/booking.js';

// After payment the slot is registered at the hospital. When the hospital cannot do it within
// the deadline (10 minutes here), the patient is refunded in full, told, and the place released;
// a slow hospital only makes it take longer. Cancelling is free until 24 h before the visit.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const SLOT_0800 = 'slot-pract-core-cardio-3-20300311-0800';

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;

beforeAll(async () => {
  world = await startBookingWorld();
  patients = await seedPatients(world.app, world.clock, 20);
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
  await listSlots(world.app, DOCTOR, DATE);
});

async function order(patient: TestPatient, appointmentId: string): Promise<string> {
  const response = await world.app.fetch(`/api/v1/appointments/${appointmentId}/pay`, asPatient(patient, 'POST'));
  expect(response.status).toBe(200);
  return (await readJson(response)).outTradeNo;
}

describe('registration at the hospital after payment', () => {
  it('refunds, tells the patient and releases the place when the hospital fails until the deadline', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    const outTradeNo = await order(patient, held.id);
    world.hospital.faults.set({ errorRate: 1, match: '/Appointment' });
    const sandbox = world.app.wechatPaySandbox!;
    await sandbox.controls.pay(outTradeNo);
    expect(sandbox.controls.notifies().filter((n) => n.key === outTradeNo).map((n) => [n.delivered, n.attempts.length])).toEqual([[true, 1]]);
    await world.app.booking!.idle();
    // The first tries failed: still being registered, retried by the job with back-off.
    const db = world.app.connection.db!;
    expect(await db.collection('appointments').findOne({})).toMatchObject({ status: 'confirming', hospital: { registration: 'confirming', attempts: 3 } });
    expect((await getAppointment(world.app, patient, held.id)).body).toMatchObject({ status: 'confirming', statusText: '挂号确认中', cancel: { allowed: false } });

    world.clock.advance(5 * 60_000);
    expect(await world.app.booking!.jobs.retryRegistrations()).toBe(1);
    expect((await db.collection('appointments').findOne({}))!.status).toBe('confirming');
    world.clock.advance(5 * 60_000);
    expect(await world.app.booking!.jobs.retryRegistrations()).toBe(1);

    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({
      status: 'cancelled',
      cancelReasonText: '医院挂号未成功，挂号费已原路全额退还',
      payment: { status: 'paid' },
      refund: { status: 'processing', amount: 5000, reasonText: '医院挂号未成功，系统自动全额退款' },
      visit: null,
    });
    expect(sandbox.controls.refunds().map((r) => [r.outRefundNo, r.refund, r.total])).toEqual([[`RF${held.id}`, 5000, 5000]]);
    const notes = await db.collection('notifications').find({ kind: 'registration_failed_refunded' }).toArray();
    expect(notes.map((n) => [n.title, n.body])).toEqual([
      ['挂号未成功，已退款', `${patient.name}预约的3月11日 08:00 心血管内科 赵鹏，医院系统未能完成挂号，挂号费50.00元已原路退还，请重新预约。`],
    ]);
    // The hospital is still down: its registration cannot be cancelled yet, so the place stays held.
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ id: SLOT_0800, bookable: false });

    world.hospital.faults.clear();
    expect(await world.app.booking!.jobs.settleReleases()).toBe(1);
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ id: SLOT_0800, bookable: true });
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['cancelled']);
    await sandbox.controls.completeRefunds();
    expect((await getAppointment(world.app, patient, held.id)).body.refund.status).toBe('succeeded');
    // Nothing else to do for anyone.
    expect(await world.app.booking!.jobs.retryRegistrations()).toBe(0);
    expect(await world.app.booking!.jobs.settleReleases()).toBe(0);
    expect(await world.app.booking!.jobs.trackRefunds()).toBe(0);
  });

  it('answers the notify before a slow hospital has registered, and registers all the same', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    const outTradeNo = await order(patient, held.id);
    world.hospital.faults.set({ latencyMs: 300, match: '/Appointment' });
    const sandbox = world.app.wechatPaySandbox!;
    await sandbox.controls.pay(outTradeNo);
    expect(sandbox.controls.notifies().filter((n) => n.key === outTradeNo).map((n) => [n.delivered, n.attempts.length])).toEqual([[true, 1]]);
    expect((await getAppointment(world.app, patient, held.id)).body.status).toBe('confirming');
    await world.app.booking!.idle();
    expect((await getAppointment(world.app, patient, held.id)).body.status).toBe('booked');
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['booked']);
  });
});

describe('POST /appointments/:id/cancel', () => {
  it('cancels a paid appointment before the cut-off: refunded in full, hospital cancelled, place back', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    await payInSandbox(world, patient, held.id);
    world.clock.set('2030-03-10T07:59:00+08:00');
    const response = await world.app.fetch(`/api/v1/appointments/${held.id}/cancel`, asPatient(patient, 'POST', { reason: '行程有变' }));
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({
      status: 'cancelled',
      statusText: '已取消',
      cancelledAt: '2030-03-10T07:59:00+08:00',
      cancelReasonText: '您已取消预约（行程有变），挂号费将原路全额退还',
      refund: { status: 'processing', amount: 5000, requestedAt: '2030-03-10T07:59:00+08:00', succeededAt: null, reasonText: '就诊人取消预约，全额退款' },
      cancel: { allowed: false },
    });
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['cancelled']);
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ id: SLOT_0800, bookable: true });
    await world.app.wechatPaySandbox!.controls.completeRefunds();
    expect((await getAppointment(world.app, patient, held.id)).body.refund).toMatchObject({ status: 'succeeded' });
  });

  it('tracks a refund whose notify is lost until WeChat Pay says it succeeded', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    await payInSandbox(world, patient, held.id);
    const sandbox = world.app.wechatPaySandbox!;
    sandbox.controls.dropNotifies(true);
    expect((await world.app.fetch(`/api/v1/appointments/${held.id}/cancel`, asPatient(patient, 'POST', {}))).status).toBe(200);
    await sandbox.controls.completeRefunds();
    expect((await getAppointment(world.app, patient, held.id)).body.refund.status).toBe('processing');
    expect(await world.app.booking!.jobs.trackRefunds()).toBe(1);
    expect((await getAppointment(world.app, patient, held.id)).body.refund.status).toBe('succeeded');
  });

  it('refuses after the cut-off, naming the rule, and changes nothing', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    await payInSandbox(world, patient, held.id);
    world.clock.set('2030-03-10T08:00:00+08:00');
    const response = await world.app.fetch(`/api/v1/appointments/${held.id}/cancel`, asPatient(patient, 'POST', {}));
    expect(response.status).toBe(409);
    expect(await readJson(response)).toEqual({
      error: {
        code: 'cancel_cutoff_passed',
        message: '已过免费取消时间，无法在线取消（退号规则：就诊前24小时（3月10日 08:00）前可免费取消并全额退款，之后不能在线取消；如确需取消，请联系医院）',
        details: { freeUntil: '2030-03-10T00:00:00.000Z' },
      },
    });
    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({ status: 'booked', refund: null, cancel: { allowed: false } });
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['booked']);
  });

  it('drops an unpaid hold without a refund and closes its order', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOT_0800);
    const outTradeNo = await order(patient, held.id);
    const response = await world.app.fetch(`/api/v1/appointments/${held.id}/cancel`, asPatient(patient, 'POST'));
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({ status: 'cancelled', refund: null, cancelReasonText: '您已取消预约，未产生费用' });
    expect(world.app.wechatPaySandbox!.controls.orders().find((o) => o.outTradeNo === outTradeNo)!.state).toBe('CLOSED');
    expect((await listSlots(world.app, DOCTOR, DATE)).items[0]).toMatchObject({ bookable: true });
    const again = await world.app.fetch(`/api/v1/appointments/${held.id}/cancel`, asPatient(patient, 'POST'));
    expect(again.status).toBe(409);
    expect((await readJson(again)).error).toEqual({ code: 'not_cancellable', message: '该预约已结束，无需取消' });
  });
});
