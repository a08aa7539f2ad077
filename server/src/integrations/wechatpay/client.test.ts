import { createPublicKey, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOpenid } from '../wechat/sandbox/app.js';
import { WechatPayError } from './errors.js';
import type { CreateJsapiOrder } from './port.js';
import { forgerKey, signNotifyBody } from './sandbox/notify-builder.js';
import { startPaymentRig, testClock, type PaymentRig } from './test-support.js';

const openid = sandboxOpenid('张三');
let rig: PaymentRig;
let seq = 0;

beforeAll(async () => {
  rig = await startPaymentRig({ verification: 'public_key', clock: testClock('2026-03-01T02:00:00Z') });
});
afterAll(() => rig.stop());
afterEach(() => {
  rig.sandbox.controls.failNextRequests(0, 500);
  rig.sandbox.controls.setLatency(0);
  rig.logs.length = 0;
});

/** A fresh order of 50.00 yuan that expires in 15 minutes. */
function order(overrides: Partial<CreateJsapiOrder> = {}): CreateJsapiOrder {
  seq++;
  return {
    outTradeNo: `CL2026030100${String(seq).padStart(4, '0')}`,
    description: '挂号费-心内科-王医生',
    amount: 5000,
    payerOpenid: openid,
    timeExpire: new Date(rig.clock.now().getTime() + 15 * 60_000).toISOString(),
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<WechatPayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayError);
  return error as WechatPayError;
}

describe('createJsapiOrder', () => {
  it('creates the order at WeChat Pay and signs wx.requestPayment parameters with the merchant key', async () => {
    const input = order({ attach: 'appointment:a1' });
    const params = await rig.client.createJsapiOrder(input);

    expect(params.appId).toBe(rig.sandbox.clientOptions.appid);
    expect(params.signType).toBe('RSA');
    expect(params.timeStamp).toBe(String(Date.parse('2026-03-01T02:00:00Z') / 1000));
    expect(params.nonceStr).toMatch(/^[0-9A-F]{32}$/);
    expect(params.package).toMatch(/^prepay_id=wx20260301100000[0-9a-f]{20}$/);
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    const merchantPublicKey = createPublicKey(rig.sandbox.keys.merchantPublicKeyPem);
    expect(verify('sha256', Buffer.from(message), merchantPublicKey, Buffer.from(params.paySign, 'base64'))).toBe(true);

    const held = rig.sandbox.controls.orders().find((o) => o.outTradeNo === input.outTradeNo);
    expect(held).toMatchObject({
      description: '挂号费-心内科-王医生',
      total: 5000,
      payerOpenid: openid,
      timeExpire: '2026-03-01T10:15:00+08:00',
      attach: 'appointment:a1',
      notifyUrl: rig.receiver.url,
      state: 'NOTPAY',
      prepayId: params.package.slice('prepay_id='.length),
    });
  });

  it('gives the same prepay_id for the same order twice, and refuses the number with other parameters', async () => {
    const input = order();
    const first = await rig.client.createJsapiOrder(input);
    const second = await rig.client.createJsapiOrder(input);
    expect(second.package).toBe(first.package);
    expect(second.paySign).not.toBe(first.paySign); // fresh nonce, same prepay order

    const error = await caught(rig.client.createJsapiOrder({ ...input, amount: 4000 }));
    expect(error.code).toBe('invalid_request');
    expect(error.wechatCode).toBe('INVALID_REQUEST');
    expect(error.status).toBe(400);
  });

  it('refuses to re-create a paid order (order_paid) or a closed one (order_closed)', async () => {
    const paid = order();
    await rig.client.createJsapiOrder(paid);
    await rig.sandbox.controls.pay(paid.outTradeNo);
    expect((await caught(rig.client.createJsapiOrder(paid))).code).toBe('order_paid');

    const closed = order();
    await rig.client.createJsapiOrder(closed);
    await rig.client.closeOrder(closed.outTradeNo);
    expect((await caught(rig.client.createJsapiOrder(closed))).code).toBe('order_closed');
  });

  it('refuses bad input before calling WeChat Pay', async () => {
    expect((await caught(rig.client.createJsapiOrder(order({ amount: 12.5 })))).code).toBe('invalid_request');
    expect((await caught(rig.client.createJsapiOrder(order({ outTradeNo: 'a b' })))).code).toBe('invalid_request');
    expect(rig.sandbox.controls.orders().some((o) => o.total === 12.5)).toBe(false);
  });
});

describe('queryOrder and closeOrder', () => {
  it('reads NOTPAY, then SUCCESS after the payer pays', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    expect(await rig.client.queryOrder(input.outTradeNo)).toEqual({
      appid: rig.client.appid,
      mchid: rig.client.mchid,
      outTradeNo: input.outTradeNo,
      tradeState: 'NOTPAY',
      amountTotal: 5000,
    });

    rig.clock.advance(60_000);
    const paid = await rig.sandbox.controls.pay(input.outTradeNo);
    const transaction = await rig.client.queryOrder(input.outTradeNo);
    expect(transaction).toEqual({
      appid: rig.client.appid,
      mchid: rig.client.mchid,
      outTradeNo: input.outTradeNo,
      transactionId: paid.transactionId,
      tradeState: 'SUCCESS',
      amountTotal: 5000,
      payerOpenid: openid,
      successTime: '2026-03-01T10:01:00+08:00',
    });
    expect(paid.transactionId).toMatch(/^420020260301\d{16}$/);
  });

  it('answers null for an order WeChat Pay does not know', async () => {
    expect(await rig.client.queryOrder('CL-NEVER-CREATED')).toBeNull();
  });

  it('closes an unpaid order, idempotently; a paid order cannot be closed', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    await rig.client.closeOrder(input.outTradeNo);
    await rig.client.closeOrder(input.outTradeNo);
    await rig.client.closeOrder('CL-NEVER-CREATED');
    expect((await rig.client.queryOrder(input.outTradeNo))?.tradeState).toBe('CLOSED');

    const paid = order();
    await rig.client.createJsapiOrder(paid);
    await rig.sandbox.controls.pay(paid.outTradeNo);
    const error = await caught(rig.client.closeOrder(paid.outTradeNo));
    expect(error.code).toBe('order_paid');
    expect(error.wechatCode).toBe('ORDERPAID');
  });
});

describe('refunds', () => {
  it('is idempotent on out_refund_no: two calls, one refund', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    await rig.sandbox.controls.pay(input.outTradeNo);
    const request = { outTradeNo: input.outTradeNo, outRefundNo: `RF${input.outTradeNo}`, refund: 3000, total: 5000, reason: '患者取消预约' };

    const first = await rig.client.createRefund(request);
    const second = await rig.client.createRefund(request);
    expect(first).toEqual({ outTradeNo: input.outTradeNo, outRefundNo: request.outRefundNo, refundId: first.refundId, status: 'PROCESSING', refund: 3000, total: 5000 });
    expect(first.refundId).toMatch(/^50\d{30}$/);
    expect(second).toEqual(first);
    expect(rig.sandbox.controls.refunds().filter((r) => r.outTradeNo === input.outTradeNo)).toHaveLength(1);
    expect((await rig.client.queryOrder(input.outTradeNo))?.tradeState).toBe('REFUND');

    await rig.sandbox.controls.completeRefunds();
    expect(await rig.client.queryRefund(request.outRefundNo)).toEqual({ ...first, status: 'SUCCESS', successTime: '2026-03-01T10:01:00+08:00' });
  });

  it('never refunds more than was paid, and answers null for an unknown refund', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    await rig.sandbox.controls.pay(input.outTradeNo);
    await rig.client.createRefund({ outTradeNo: input.outTradeNo, outRefundNo: `RA${input.outTradeNo}`, refund: 4000, total: 5000 });
    const error = await caught(rig.client.createRefund({ outTradeNo: input.outTradeNo, outRefundNo: `RB${input.outTradeNo}`, refund: 1001, total: 5000 }));
    expect(error.code).toBe('invalid_request');
    expect(rig.sandbox.controls.refunds().filter((r) => r.outTradeNo === input.outTradeNo)).toHaveLength(1);

    expect(await rig.client.queryRefund('RF-NEVER')).toBeNull();
    expect((await caught(rig.client.createRefund({ outTradeNo: 'CL-NEVER-CREATED', outRefundNo: 'RF-X', refund: 1, total: 1 }))).code).toBe('resource_not_exists');
  });

  it('maps NOT_ENOUGH (merchant balance) to not_enough without retrying', async () => {
    rig.sandbox.controls.failNextRequests(1, 403, 'NOT_ENOUGH');
    const error = await caught(rig.client.createRefund({ outTradeNo: 'CL-ANY-ORDER', outRefundNo: 'RF-ANY', refund: 1, total: 1 }));
    expect(error.code).toBe('not_enough');
    expect(error.wechatCode).toBe('NOT_ENOUGH');
    expect(rig.logs.filter((log) => log.level === 'warn')).toEqual([]);
  });
});

describe('answers must be signed by WeChat Pay', () => {
  /** A client whose fetch rewrites the sandbox's answer before the client sees it. */
  function clientBehind(rewrite: (response: Response, text: string) => Response) {
    return rig.clientWith({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        return rewrite(response, await response.text());
      },
    });
  }

  it('refuses a tampered body (NOTPAY rewritten to SUCCESS)', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    const client = clientBehind((response, text) => new Response(text.replace('NOTPAY', 'SUCCESS'), { status: response.status, headers: response.headers }));
    const error = await caught(client.queryOrder(input.outTradeNo));
    expect(error.code).toBe('invalid_response_signature');
    expect(error.reason).toBe('signature_mismatch');
  });

  it('refuses an unsigned answer and one signed by another key', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    const unsigned = clientBehind((response, text) => {
      const headers = new Headers(response.headers);
      headers.delete('wechatpay-signature');
      return new Response(text, { status: response.status, headers });
    });
    expect((await caught(unsigned.queryOrder(input.outTradeNo))).reason).toBe('missing_headers');

    const forged = clientBehind((response, text) => {
      const body = text.replace('NOTPAY', 'SUCCESS');
      const signed = signNotifyBody(body, { privateKey: forgerKey(), serial: rig.sandbox.keys.platformSerial }, rig.clock.now());
      return new Response(body, { status: 200, headers: { ...signed.headers, 'content-type': 'application/json' } as Record<string, string> });
    });
    const error = await caught(forged.queryOrder(input.outTradeNo));
    expect(error.code).toBe('invalid_response_signature');
    expect(error.reason).toBe('signature_mismatch');
  });

  it('is refused by WeChat Pay when our own signature is wrong (rejected, not retried)', async () => {
    const before = rig.sandbox.controls.rejectedSignatures();
    const impostor = rig.clientWith({ merchantPrivateKeyPem: forgerKey().export({ type: 'pkcs8', format: 'pem' }).toString() });
    const error = await caught(impostor.queryOrder('CL-ANY-ORDER'));
    expect(error.code).toBe('rejected');
    expect(error.wechatCode).toBe('SIGN_ERROR');
    expect(rig.sandbox.controls.rejectedSignatures()).toBe(before + 1);
  });
});

describe('time-outs and retries', () => {
  it('retries a query after 5xx answers and succeeds on the third attempt', async () => {
    const input = order();
    await rig.client.createJsapiOrder(input);
    rig.sandbox.controls.failNextRequests(2, 500);
    expect((await rig.client.queryOrder(input.outTradeNo))?.tradeState).toBe('NOTPAY');
    expect(rig.logs.filter((log) => log.level === 'warn').map((log) => [log.msg, (log.obj as { code: string }).code])).toEqual([
      ['WeChat Pay call failed; retrying', 'system_error'],
      ['WeChat Pay call failed; retrying', 'system_error'],
    ]);
  });

  it('gives up after three 5xx answers with system_error', async () => {
    rig.sandbox.controls.failNextRequests(3, 503);
    const client = rig.clientWith({});
    const error = await caught(client.queryOrder('CL-ANY-ORDER'));
    expect(error.code).toBe('system_error');
    expect(error.wechatCode).toBe('SYSTEM_ERROR');
    expect(error.status).toBe(503);
  });

  it('times out each slow attempt and reports timeout after the retries', async () => {
    rig.sandbox.controls.setLatency(400);
    const client = rig.clientWith({ timeoutMs: 100 });
    const started = Date.now();
    const error = await caught(client.queryOrder('CL-ANY-ORDER'));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(rig.logs.filter((log) => log.level === 'warn')).toHaveLength(2);
  });

  it('retries an order creation that timed out; WeChat Pay answers the retry with the same prepay_id', async () => {
    const input = order();
    rig.sandbox.controls.setLatency(300);
    const slow = rig.clientWith({ timeoutMs: 150, retries: 0 });
    expect((await caught(slow.createJsapiOrder(input))).code).toBe('timeout');
    rig.sandbox.controls.setLatency(0);
    const created = rig.sandbox.controls.orders().find((o) => o.outTradeNo === input.outTradeNo);
    expect(created).toBeDefined(); // the first attempt did reach WeChat Pay
    const params = await rig.client.createJsapiOrder(input);
    expect(params.package).toBe(`prepay_id=${created!.prepayId}`);
  });
});
