import { createVerify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WechatPayNotifyRequest } from '../../server/src/integrations/wechatpay/index.js';
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

// Paying for a held place with WeChat Pay (the embedded sandbox signs exactly as WeChat Pay does),
// the payment notify (verified; applied once however often and in whatever order it comes;
// anything forged, tampered, for another amount or an unknown order refused with no change), and
// what follows: registration at the hospital, or a refund when the money came too late.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const SLOTS = ['0800', '0815', '0930', '0945', '1000', '1015', '1030', '1045', '1115', '1130', '1145'].map(
  (t) => `slot-pract-core-cardio-3-20300311-${t}`,
);

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;
let slot = 0;
const nextSlot = () => SLOTS[slot++ % SLOTS.length]!;

beforeAll(async () => {
  world = await startBookingWorld();
  patients = await seedPatients(world.app, world.clock, 30);
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
  await listSlots(world.app, DOCTOR, DATE);
});

/** POSTs a notify to the app exactly as WeChat Pay would (headers and raw body). */
function postNotify(request: WechatPayNotifyRequest): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value;
  return world.app.fetch('/api/v1/payments/wechat/notify', { method: 'POST', headers, body: request.rawBody });
}

/** A TRANSACTION notify resource for an order of ours. */
function transaction(outTradeNo: string, total: number, state = 'SUCCESS', extra: Record<string, unknown> = {}) {
  const { appid, mchid } = world.app.wechatPaySandbox!.clientOptions;
  return {
    eventType: state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : `TRANSACTION.${state}`,
    originalType: 'transaction',
    resource: {
      appid,
      mchid,
      out_trade_no: outTradeNo,
      transaction_id: `4200001234${outTradeNo.slice(-10)}`,
      trade_type: 'JSAPI',
      trade_state: state,
      trade_state_desc: state,
      success_time: '2030-03-06T09:12:00+08:00',
      payer: { openid: 'o-payer' },
      amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
      ...extra,
    },
  };
}

async function holdAndOrder(patient: TestPatient) {
  const held = await bookOk(world.app, patient, nextSlot());
  const response = await world.app.fetch(`/api/v1/appointments/${held.id}/pay`, asPatient(patient, 'POST'));
  expect(response.status).toBe(200);
  return { held, params: await readJson(response) };
}

describe('POST /appointments/:id/pay', () => {
  it('returns signed JSAPI parameters for one order, the same however often it is asked', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    expect(params).toEqual({
      appointmentId: held.id,
      outTradeNo: `CL${held.id}`,
      timeStamp: expect.stringMatching(/^\d{10}$/),
      nonceStr: expect.stringMatching(/^\w{16,32}$/),
      package: expect.stringMatching(/^prepay_id=\S+$/),
      signType: 'RSA',
      paySign: expect.any(String),
      sandboxCashierUrl: `${sandbox.baseUrl}/cashier?${new URLSearchParams({
        prepay_id: params.package.slice('prepay_id='.length),
        return_url: `${world.app.url}/packages/booking/pages/result/index?id=${held.id}`,
      }).toString()}`,
    });
    // paySign is the merchant's RSA-SHA256 over appId, timeStamp, nonceStr, package.
    const message = `${sandbox.clientOptions.appid}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(createVerify('RSA-SHA256').update(message).verify(sandbox.keys.merchantPublicKeyPem, params.paySign, 'base64')).toBe(true);
    const order = sandbox.controls.orders().find((o) => o.outTradeNo === params.outTradeNo)!;
    expect(order).toMatchObject({ total: 5000, state: 'NOTPAY', payerOpenid: patient.openid });

    const again = await readJson(await world.app.fetch(`/api/v1/appointments/${held.id}/pay`, asPatient(patient, 'POST')));
    expect(again.outTradeNo).toBe(params.outTradeNo);
    expect(again.package).toBe(params.package);
    expect(sandbox.controls.orders().filter((o) => o.outTradeNo === params.outTradeNo)).toHaveLength(1);
  });

  it('refuses to pay an expired hold or a paid appointment', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, nextSlot());
    world.clock.advance(15 * 60_000);
    const late = await world.app.fetch(`/api/v1/appointments/${held.id}/pay`, asPatient(patient, 'POST'));
    expect(late.status).toBe(409);
    expect(await readJson(late)).toEqual({ error: { code: 'payment_expired', message: '支付时间已过，号源已释放，请重新预约' } });
    world.clock.set(BOOKING_NOW);
    const other = fresh();
    const paid = await bookOk(world.app, other, nextSlot());
    await payInSandbox(world, other, paid.id);
    const twice = await world.app.fetch(`/api/v1/appointments/${paid.id}/pay`, asPatient(other, 'POST'));
    expect(twice.status).toBe(409);
    expect(await readJson(twice)).toEqual({ error: { code: 'not_payable', message: '该预约已预约，无需支付' } });
  });
});

describe('after payment', () => {
  it('registers at the hospital and shows the visit', async () => {
    const patient = fresh();
    const held = await bookOk(world.app, patient, SLOTS[0]!);
    await payInSandbox(world, patient, held.id);
    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({
      status: 'booked',
      statusText: '已预约',
      payment: { status: 'paid', paidAt: expect.stringMatching(/^2030-03-06T09:10:00\+08:00$/) },
      refund: null,
      cancel: { allowed: true, freeUntil: '2030-03-10T08:00:00+08:00' },
      visit: {
        queueNumber: 1,
        visitCode: expect.stringMatching(/^300311001[0-9A-F]{4}$/),
        location: expect.stringContaining('心血管内科'),
        instructions: expect.arrayContaining(['到院后在自助机或分诊台出示就诊码签到，按序号候诊']),
      },
    });
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['booked']);
    const notes = await world.app.connection.db!.collection('notifications').find().toArray();
    expect(notes.map((n) => n.kind)).toEqual(['booking_confirmed']);
  });

  it('applies the same notify delivered 15 times at once exactly once', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    sandbox.controls.dropNotifies(true);
    await sandbox.controls.pay(params.outTradeNo);
    const statuses = await sandbox.controls.deliverNotify(params.outTradeNo, { times: 15, concurrently: true });
    expect(statuses).toEqual(Array.from({ length: 15 }, () => 204));
    await world.app.booking!.idle();
    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body.status).toBe('booked');
    const db = world.app.connection.db!;
    expect(world.app.logs.filter((l) => l.msg === 'payment received' && l.appointmentId === held.id)).toHaveLength(1);
    expect(await db.collection('notifications').countDocuments({ kind: 'booking_confirmed' })).toBe(1);
    expect(await db.collection('payment_events').countDocuments()).toBe(1);
    expect(world.hospital.state().appointments.map((a) => a.status)).toEqual(['booked']);
  });

  it('is not moved back by stale notifies arriving after the success, in any order', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    const stale = [
      sandbox.notifyRequest(transaction(params.outTradeNo, 5000, 'USERPAYING')),
      sandbox.notifyRequest(transaction(params.outTradeNo, 5000, 'NOTPAY')),
    ];
    const success = sandbox.notifyRequest(transaction(params.outTradeNo, 5000));
    const order = [stale[0]!, success, stale[1]!, success, stale[0]!, success];
    const statuses = await Promise.all(order.map(async (request) => (await postNotify(request)).status));
    expect(statuses).toEqual([204, 204, 204, 204, 204, 204]);
    await world.app.booking!.idle();
    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({ status: 'booked', payment: { status: 'paid', paidAt: '2030-03-06T09:12:00+08:00' } });
    expect(world.app.logs.filter((l) => l.msg === 'payment received' && l.appointmentId === held.id)).toHaveLength(1);
  });

  it('refuses forged, tampered, wrong-amount, other-merchant and unknown-order notifies and changes nothing', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    const genuine = sandbox.notifyRequest(transaction(params.outTradeNo, 5000));
    const tamperedBody = genuine.rawBody.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ');
    const cases: Array<[string, WechatPayNotifyRequest, number, string]> = [
      ['forged', sandbox.forgedNotifyRequest(transaction(params.outTradeNo, 5000)), 401, 'invalid_signature'],
      ['tampered', { headers: genuine.headers, rawBody: tamperedBody }, 401, 'invalid_signature'],
      ['stale', sandbox.notifyRequest(transaction(params.outTradeNo, 5000), { at: new Date(Date.parse(BOOKING_NOW) - 6 * 60_000) }), 401, 'invalid_signature'],
      ['wrong amount', sandbox.notifyRequest(transaction(params.outTradeNo, 1)), 400, 'amount_mismatch'],
      ['unknown order', sandbox.notifyRequest(transaction('CL0123456789abcdef01234567', 5000)), 404, 'unknown_order'],
      ['another merchant’s key', sandbox.notifyRequest(transaction(params.outTradeNo, 5000), { apiV3Key: 'x'.repeat(32) }), 400, 'invalid_notification'],
    ];
    for (const [name, request, status, code] of cases) {
      const response = await postNotify(request);
      expect({ name, status: response.status, code: (await readJson(response)).error.code }).toEqual({ name, status, code });
    }
    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({ status: 'pending_payment', payment: { status: 'unpaid', paidAt: null } });
    const db = world.app.connection.db!;
    expect(await db.collection('payment_events').countDocuments()).toBe(0);
    expect(await db.collection('notifications').countDocuments()).toBe(0);
    expect(world.app.logs.filter((l) => l.msg === 'payment amount differs from our order; not applied')).toHaveLength(1);
  });

  it('finds a payment whose notify never came by asking WeChat Pay', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    sandbox.controls.dropNotifies(true);
    await sandbox.controls.pay(params.outTradeNo);
    expect(await world.app.booking!.jobs.queryPayments()).toBe(0);
    world.clock.advance(61_000);
    expect(await world.app.booking!.jobs.queryPayments()).toBe(1);
    await world.app.booking!.idle();
    expect((await getAppointment(world.app, patient, held.id)).body.status).toBe('booked');
    expect(await world.app.booking!.jobs.queryPayments()).toBe(0);
  });

  it('asks before expiring a hold: a payment without a notify still counts', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    sandbox.controls.dropNotifies(true);
    await sandbox.controls.pay(params.outTradeNo);
    world.clock.advance(15 * 60_000);
    expect(await world.app.booking!.jobs.expireHolds()).toBe(0);
    await world.app.booking!.idle();
    expect((await getAppointment(world.app, patient, held.id)).body.status).toBe('booked');
  });

  it('refunds a payment that arrives after the hold was released, and tells the patient', async () => {
    const patient = fresh();
    const { held, params } = await holdAndOrder(patient);
    const sandbox = world.app.wechatPaySandbox!;
    sandbox.controls.dropNotifies(true);
    await sandbox.controls.pay(params.outTradeNo);
    // WeChat Pay cannot be reached while the hold expires: no query, no close.
    sandbox.controls.failNextRequests(4, 500);
    world.clock.advance(15 * 60_000);
    expect(await world.app.booking!.jobs.expireHolds()).toBe(1);
    expect((await getAppointment(world.app, patient, held.id)).body).toMatchObject({ status: 'expired', payment: { status: 'closed' } });
    expect((await listSlots(world.app, DOCTOR, DATE)).items.find((s: { id: string }) => s.id === held.slotId)).toMatchObject({ bookable: true });

    // The notify arrives now: the money goes back, the place stays released.
    const statuses = await sandbox.controls.deliverNotify(params.outTradeNo, { times: 3 });
    expect(statuses).toEqual([204, 204, 204]);
    const { body } = await getAppointment(world.app, patient, held.id);
    expect(body).toMatchObject({
      status: 'expired',
      payment: { status: 'paid' },
      refund: { status: 'processing', amount: 5000, reasonText: '支付到账时预约已超时释放或已取消，全额退款', succeededAt: null },
    });
    expect(sandbox.controls.refunds().map((r) => [r.outRefundNo, r.refund])).toEqual([[`RF${held.id}`, 5000]]);
    const notes = await world.app.connection.db!.collection('notifications').find({ kind: 'paid_after_release_refunded' }).toArray();
    expect(notes.map((n) => n.body)).toEqual([`${patient.name}的3月11日 ${held.start.slice(11, 16)} 赵鹏预约在支付到账前已超时释放，已支付的50.00元将原路退还。`]);

    // WeChat Pay completes the refund and says so; the refund job has nothing left to do.
    sandbox.controls.dropNotifies(false);
    await sandbox.controls.completeRefunds();
    expect((await getAppointment(world.app, patient, held.id)).body.refund).toMatchObject({ status: 'succeeded', succeededAt: expect.any(String) });
    expect(await world.app.booking!.jobs.trackRefunds()).toBe(0);
  });
});
