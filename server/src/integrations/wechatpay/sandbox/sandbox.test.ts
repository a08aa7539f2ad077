import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOpenid } from '../../wechat/sandbox/app.js';
import { startPaymentRig, testClock, type PaymentRig } from '../test-support.js';

const openid = sandboxOpenid('赵六');
const returnUrl = 'http://127.0.0.1:3000/#/packages/booking/pages/result/index?id=a1';

let rig: PaymentRig;
let seq = 0;
beforeAll(async () => {
  rig = await startPaymentRig({ clock: testClock('2026-03-01T02:00:00Z'), notifyRetryDelaysMs: [50, 50], refundDelayMs: 100 });
});
afterAll(() => rig.stop());
afterEach(() => {
  rig.sandbox.controls.dropNotifies(false);
  rig.clock.set('2026-03-01T02:00:00Z');
});

/** A new unpaid order of 50.00 yuan expiring at 10:15 Shanghai; its number and prepay_id. */
async function newOrder(description = '挂号费-心内科-王医生') {
  const outTradeNo = `CLSBX${String(++seq).padStart(7, '0')}`;
  const params = await rig.client.createJsapiOrder({ outTradeNo, description, amount: 5000, payerOpenid: openid, timeExpire: '2026-03-01T10:15:00+08:00' });
  return { outTradeNo, prepayId: params.package.slice('prepay_id='.length) };
}

/** Waits until `check` holds (notifies are recorded after the receiver has answered). */
async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function form(prepayId: string, back = returnUrl): URLSearchParams {
  return new URLSearchParams({ prepay_id: prepayId, return_url: back });
}

describe('cashier page', () => {
  it('shows the merchant, what is paid, the amount, and the two buttons (values escaped)', async () => {
    const { prepayId } = await newOrder('挂号费<script>alert(1)</script>');
    const response = await fetch(rig.sandbox.cashierUrl(prepayId, returnUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<p class="merchant" data-testid="sandbox-pay-merchant">CareLoop 医联体（沙箱商户）</p>');
    expect(html).toContain('<p class="desc">挂号费&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).toContain('<p class="amount" data-testid="sandbox-pay-amount">¥50.00</p>');
    expect(html).toContain('data-testid="sandbox-pay-confirm">确认支付</button>');
    expect(html).toContain('data-testid="sandbox-pay-cancel">取消</button>');
    expect(html).not.toContain('<script>');
  });

  it('confirming pays, notifies the merchant, then sends the browser back', async () => {
    const { outTradeNo, prepayId } = await newOrder();
    const before = rig.receiver.received.length;
    const response = await fetch(`${rig.sandbox.baseUrl}/cashier/confirm`, { method: 'POST', body: form(prepayId), redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(returnUrl);
    // The notify's first attempt is made before the redirect.
    expect(rig.receiver.received.length).toBe(before + 1);
    const notification = await rig.client.verifyNotification(rig.receiver.received[before]!);
    expect(notification.kind === 'transaction' && notification.transaction.outTradeNo).toBe(outTradeNo);
    expect((await rig.client.queryOrder(outTradeNo))?.tradeState).toBe('SUCCESS');

    const again = await fetch(rig.sandbox.cashierUrl(prepayId, returnUrl));
    expect(await again.text()).toContain('data-testid="sandbox-pay-status">订单已支付</p>');
  });

  it('refuses to pay an expired order (订单已过期) and sends no notify', async () => {
    const { outTradeNo, prepayId } = await newOrder();
    rig.clock.set('2026-03-01T02:15:01Z');
    const before = rig.receiver.received.length;
    const response = await fetch(`${rig.sandbox.baseUrl}/cashier/confirm`, { method: 'POST', body: form(prepayId), redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('data-testid="sandbox-pay-status">订单已过期</p>');
    expect(rig.receiver.received.length).toBe(before);
    expect((await rig.client.queryOrder(outTradeNo))?.tradeState).toBe('NOTPAY');
    await expect(rig.sandbox.controls.pay(outTradeNo)).rejects.toThrow('订单已过期');
  });

  it('cancelling goes back unpaid; a javascript: return URL is never followed; an unknown prepay_id is 404', async () => {
    const { outTradeNo, prepayId } = await newOrder();
    const cancel = await fetch(`${rig.sandbox.baseUrl}/cashier/cancel`, { method: 'POST', body: form(prepayId), redirect: 'manual' });
    expect([cancel.status, cancel.headers.get('location')]).toEqual([303, returnUrl]);
    expect((await rig.client.queryOrder(outTradeNo))?.tradeState).toBe('NOTPAY');

    const sneaky = await fetch(`${rig.sandbox.baseUrl}/cashier/confirm`, { method: 'POST', body: form(prepayId, 'javascript:alert(1)'), redirect: 'manual' });
    expect(sneaky.status).toBe(200);
    expect(await sneaky.text()).toContain('支付成功');

    const unknown = await fetch(rig.sandbox.cashierUrl('wx-unknown', returnUrl));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('订单不存在');
  });
});

describe('notifies', () => {
  it('retries on the schedule until the merchant answers 2xx', async () => {
    const { outTradeNo } = await newOrder();
    rig.receiver.answer(500, 503);
    const before = rig.receiver.received.length;
    await rig.sandbox.controls.pay(outTradeNo);
    await eventually(() => rig.sandbox.controls.notifies().find((d) => d.key === outTradeNo)!.attempts.length === 3);
    const delivery = rig.sandbox.controls.notifies().find((d) => d.key === outTradeNo)!;
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 503, 204]);
    expect(delivery.delivered).toBe(true);
    // Every attempt is the same event, signed afresh.
    const ids = rig.receiver.received.slice(before).map((r) => (JSON.parse(r.rawBody) as { id: string }).id);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(rig.receiver.received.slice(before).map((r) => r.headers['wechatpay-nonce'])).size).toBe(3);
  });

  it('gives up after the last retry', async () => {
    const { outTradeNo } = await newOrder();
    rig.receiver.answer(500, 500, 500);
    await rig.sandbox.controls.pay(outTradeNo);
    await eventually(() => rig.sandbox.controls.notifies().find((d) => d.key === outTradeNo)!.attempts.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 150)); // no fourth attempt
    const delivery = rig.sandbox.controls.notifies().find((d) => d.key === outTradeNo)!;
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(delivery.delivered).toBe(false);
  });

  it('drops notifies when told to: the merchant must query', async () => {
    const { outTradeNo } = await newOrder();
    rig.sandbox.controls.dropNotifies(true);
    const before = rig.receiver.received.length;
    await rig.sandbox.controls.pay(outTradeNo);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(rig.receiver.received.length).toBe(before);
    expect(rig.sandbox.controls.notifies().find((d) => d.key === outTradeNo)).toMatchObject({ dropped: true, attempts: [] });
    expect((await rig.client.queryOrder(outTradeNo))?.tradeState).toBe('SUCCESS');
  });

  it('delivers the same payment notify again on demand, concurrently', async () => {
    const { outTradeNo } = await newOrder();
    await rig.sandbox.controls.pay(outTradeNo);
    const before = rig.receiver.received.length;
    expect(await rig.sandbox.controls.deliverNotify(outTradeNo, { times: 3, concurrently: true })).toEqual([204, 204, 204]);
    const copies = rig.receiver.received.slice(before - 1);
    expect(copies).toHaveLength(4);
    const events = await Promise.all(copies.map((copy) => rig.client.verifyNotification(copy)));
    expect(new Set(events.map((event) => event.id)).size).toBe(1);
  });

  it('completes a refund after the delay and sends REFUND.SUCCESS', async () => {
    const { outTradeNo } = await newOrder();
    await rig.sandbox.controls.pay(outTradeNo);
    const before = rig.receiver.received.length;
    const refund = await rig.client.createRefund({ outTradeNo, outRefundNo: `R${outTradeNo}`, refund: 5000, total: 5000 });
    expect(refund.status).toBe('PROCESSING');
    const [notify] = (await rig.receiver.waitFor(before + 1)).slice(before);
    const notification = await rig.client.verifyNotification(notify!);
    expect(notification).toMatchObject({ eventType: 'REFUND.SUCCESS', kind: 'refund', refund: { outRefundNo: `R${outTradeNo}`, status: 'SUCCESS', refund: 5000, total: 5000 } });
    expect((await rig.client.queryRefund(`R${outTradeNo}`))?.status).toBe('SUCCESS');
  });
});

describe('request signatures', () => {
  it('answers an unsigned request with a signed 401 SIGN_ERROR', async () => {
    const response = await fetch(`${rig.sandbox.baseUrl}/v3/pay/transactions/out-trade-no/CLSBX0000001?mchid=${rig.client.mchid}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'SIGN_ERROR', message: 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》' });
    expect(response.headers.get('wechatpay-serial')).toBe(rig.sandbox.keys.platformSerial);
  });

  it('refuses a request signed more than 5 minutes off its clock (and the skewed client refuses the answer too)', async () => {
    const before = rig.sandbox.controls.rejectedSignatures();
    const skewed = rig.clientWith({ now: () => new Date(rig.clock.now().getTime() - 6 * 60_000) });
    const error = await skewed.queryOrder('CLSBX0000001').catch((e: unknown) => e);
    expect(rig.sandbox.controls.rejectedSignatures()).toBe(before + 1);
    expect(error).toMatchObject({ code: 'invalid_response_signature', details: { reason: 'timestamp_out_of_window' } });
  });
});

describe('stop', () => {
  it('stops retrying notifies', async () => {
    const own = await startPaymentRig({ notifyRetryDelaysMs: [150, 150] });
    await own.client.createJsapiOrder({ outTradeNo: 'CLSTOP000001', description: '挂号费', amount: 100, payerOpenid: openid, timeExpire: new Date(own.clock.now().getTime() + 600_000).toISOString() });
    own.receiver.answer(500, 500, 500);
    await own.sandbox.controls.pay('CLSTOP000001');
    await own.sandbox.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(own.receiver.received).toHaveLength(1);
    await own.receiver.close();
  });
});
