import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOpenid } from '../wechat/sandbox/app.js';
import { WechatPayClient } from './client.js';
import { WechatPayError } from './errors.js';
import type { WechatPayNotifyRequest } from './port.js';
import { decryptResource as decrypt } from './signing.js';
import { startPaymentRig, testClock, type PaymentRig } from './test-support.js';

const openid = sandboxOpenid('李四');

async function caught(promise: Promise<unknown>): Promise<WechatPayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayError);
  return error as WechatPayError;
}

describe.each(['certificate', 'public_key'] as const)('verifyNotification (%s mode)', (verification) => {
  let rig: PaymentRig;
  let paid: WechatPayNotifyRequest;
  let transactionId: string;
  const outTradeNo = `CLN${verification === 'certificate' ? 'C' : 'P'}20260301001`;

  beforeAll(async () => {
    rig = await startPaymentRig({ verification, clock: testClock('2026-03-01T01:30:00Z') });
    await rig.client.createJsapiOrder({
      outTradeNo,
      description: '挂号费-儿科-陈医生',
      amount: 2500,
      payerOpenid: openid,
      timeExpire: '2026-03-01T09:45:00+08:00',
      attach: 'appointment:b7',
    });
    transactionId = (await rig.sandbox.controls.pay(outTradeNo)).transactionId!;
    [paid] = await rig.receiver.waitFor(1);
  });
  afterAll(() => rig.stop());

  it('accepts the payment notify the sandbox sent and returns the decrypted transaction', async () => {
    expect(paid.headers['wechatpay-serial']).toBe(rig.sandbox.keys.platformSerial);
    expect(paid.headers['wechatpay-serial']!.startsWith('PUB_KEY_ID_')).toBe(verification === 'public_key');
    const notification = await rig.client.verifyNotification(paid);
    expect(notification).toEqual({
      id: expect.stringMatching(/^EV-/),
      eventType: 'TRANSACTION.SUCCESS',
      kind: 'transaction',
      transaction: {
        appid: rig.client.appid,
        mchid: rig.client.mchid,
        outTradeNo,
        transactionId,
        tradeState: 'SUCCESS',
        amountTotal: 2500,
        payerOpenid: openid,
        successTime: '2026-03-01T09:30:00+08:00',
        attach: 'appointment:b7',
      },
    });
  });

  it('accepts the refund notify once the refund succeeds', async () => {
    await rig.client.createRefund({ outTradeNo, outRefundNo: `R${outTradeNo}`, refund: 2500, total: 2500 });
    rig.clock.advance(2 * 60_000);
    await rig.sandbox.controls.completeRefunds();
    const [, refundNotify] = await rig.receiver.waitFor(2);
    const notification = await rig.client.verifyNotification(refundNotify!);
    expect(notification).toEqual({
      id: expect.stringMatching(/^EV-/),
      eventType: 'REFUND.SUCCESS',
      kind: 'refund',
      refund: {
        outTradeNo,
        outRefundNo: `R${outTradeNo}`,
        refundId: expect.stringMatching(/^50\d{30}$/),
        status: 'SUCCESS',
        refund: 2500,
        total: 2500,
        successTime: '2026-03-01T09:32:00+08:00',
      },
    });
    rig.clock.set('2026-03-01T01:30:00Z');
  });

  it('refuses a notify signed by another key', async () => {
    const forged = rig.sandbox.forgedNotifyRequest({ eventType: 'TRANSACTION.SUCCESS', originalType: 'transaction', resource: JSON.parse(decryptedResource(rig, paid)) });
    const error = await caught(rig.client.verifyNotification(forged));
    expect([error.code, error.reason]).toEqual(['invalid_signature', 'signature_mismatch']);
  });

  it('refuses a tampered body', async () => {
    const body = JSON.parse(paid.rawBody) as { summary: string };
    body.summary = '支付成功 ';
    const tampered = { headers: paid.headers, rawBody: JSON.stringify(body) };
    const error = await caught(rig.client.verifyNotification(tampered));
    expect([error.code, error.reason]).toEqual(['invalid_signature', 'signature_mismatch']);
  });

  it('refuses an unknown serial', async () => {
    const other = verification === 'certificate' ? '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' : 'PUB_KEY_ID_0114232134912410000000000000';
    const notify = rig.sandbox.signRawNotify(paid.rawBody, { serial: other });
    const error = await caught(rig.client.verifyNotification(notify));
    expect([error.code, error.reason]).toEqual(['invalid_signature', 'unknown_serial']);
  });

  it('refuses a notify signed 6 minutes ago, accepts one signed 4 minutes ago', async () => {
    const now = rig.clock.now().getTime();
    const stale = rig.sandbox.signRawNotify(paid.rawBody, { at: new Date(now - 6 * 60_000) });
    const error = await caught(rig.client.verifyNotification(stale));
    expect([error.code, error.reason]).toEqual(['invalid_signature', 'timestamp_out_of_window']);
    const future = rig.sandbox.signRawNotify(paid.rawBody, { at: new Date(now + 6 * 60_000) });
    expect((await caught(rig.client.verifyNotification(future))).reason).toBe('timestamp_out_of_window');

    const recent = rig.sandbox.signRawNotify(paid.rawBody, { at: new Date(now - 4 * 60_000) });
    expect((await rig.client.verifyNotification(recent)).kind).toBe('transaction');
  });

  it('refuses a notify without the signature headers', async () => {
    const error = await caught(rig.client.verifyNotification({ headers: {}, rawBody: paid.rawBody }));
    expect([error.code, error.reason]).toEqual(['invalid_signature', 'missing_headers']);
  });

  it('refuses a genuine notify for another AppID or another merchant', async () => {
    const resource = JSON.parse(decryptedResource(rig, paid)) as Record<string, unknown>;
    const otherApp = rig.sandbox.notifyRequest({ eventType: 'TRANSACTION.SUCCESS', originalType: 'transaction', resource: { ...resource, appid: 'wx0000000000000000' } });
    const appError = await caught(rig.client.verifyNotification(otherApp));
    expect([appError.code, appError.reason]).toEqual(['invalid_notification', 'appid_mismatch']);

    const otherMerchant = rig.sandbox.notifyRequest({ eventType: 'TRANSACTION.SUCCESS', originalType: 'transaction', resource: { ...resource, mchid: '1900000001' } });
    const mchError = await caught(rig.client.verifyNotification(otherMerchant));
    expect([mchError.code, mchError.reason]).toEqual(['invalid_notification', 'mchid_mismatch']);

    const refundOfOtherMerchant = rig.sandbox.notifyRequest({
      eventType: 'REFUND.SUCCESS',
      originalType: 'refund',
      resource: { mchid: '1900000001', out_trade_no: outTradeNo, out_refund_no: 'R1', refund_status: 'SUCCESS', amount: { refund: 1, total: 1 } },
    });
    expect((await caught(rig.client.verifyNotification(refundOfOtherMerchant))).reason).toBe('mchid_mismatch');
  });

  it('refuses a signed notify it cannot decrypt, or of an unknown kind', async () => {
    const resource = JSON.parse(decryptedResource(rig, paid)) as Record<string, unknown>;
    const otherKey = rig.sandbox.notifyRequest({ eventType: 'TRANSACTION.SUCCESS', originalType: 'transaction', resource }, { apiV3Key: 'Z'.repeat(32) });
    expect(await caught(rig.client.verifyNotification(otherKey))).toMatchObject({ code: 'invalid_notification', reason: 'decrypt_failed' });

    const unknown = rig.sandbox.notifyRequest({ eventType: 'COUPON.USE', originalType: 'coupon', resource: { stock_id: '1' } });
    expect(await caught(rig.client.verifyNotification(unknown))).toMatchObject({ code: 'invalid_notification', reason: 'unknown_event' });

    const notJson = rig.sandbox.signRawNotify('not json');
    expect(await caught(rig.client.verifyNotification(notJson))).toMatchObject({ code: 'invalid_notification', reason: 'malformed' });
  });
});

describe('verifiers', () => {
  it('during a migration trusts both the platform certificate and the WeChat Pay public key', async () => {
    const rig = await startPaymentRig({ verification: 'certificate' });
    try {
      await rig.client.createJsapiOrder({ outTradeNo: 'CLMIGRATION01', description: '挂号费', amount: 100, payerOpenid: openid, timeExpire: new Date(rig.clock.now().getTime() + 600_000).toISOString() });
      await rig.sandbox.controls.pay('CLMIGRATION01');
      const [viaCertificate] = await rig.receiver.waitFor(1);
      const both = rig.clientWith({
        verifiers: {
          ...rig.sandbox.clientOptions.verifiers,
          publicKey: { id: 'PUB_KEY_ID_0112000000000000000000000001', pem: rig.sandbox.keys.platformPublicKeyPem },
        },
      });
      expect((await both.verifyNotification(viaCertificate!)).kind).toBe('transaction');
      const viaPublicKey = rig.sandbox.signRawNotify(viaCertificate!.rawBody, { serial: 'PUB_KEY_ID_0112000000000000000000000001' });
      expect((await both.verifyNotification(viaPublicKey)).kind).toBe('transaction');
    } finally {
      await rig.stop();
    }
  });

  it('refuses signatures under a platform certificate that has expired', async () => {
    const rig = await startPaymentRig({ verification: 'certificate' });
    try {
      const sixYearsOn = new Date(rig.clock.now().getTime() + 6 * 365 * 24 * 3600_000);
      const client = rig.clientWith({ now: () => sixYearsOn });
      const notify = rig.sandbox.signRawNotify('{}', { at: sixYearsOn });
      expect(await caught(client.verifyNotification(notify))).toMatchObject({ code: 'invalid_signature', reason: 'certificate_expired' });
    } finally {
      await rig.stop();
    }
  });

  it('refuses a configuration without any verifier, or with a certificate under the wrong serial', async () => {
    const rig = await startPaymentRig({ verification: 'certificate' });
    try {
      const base = { ...rig.sandbox.clientOptions, notifyUrl: () => rig.receiver.url, now: () => new Date(), logger: { warn() {}, debug() {} } };
      expect(() => new WechatPayClient({ ...base, verifiers: {} })).toThrow('WeChat Pay needs a platform certificate or the WeChat Pay public key');
      const pem = rig.sandbox.keys.platformCertificatePem!;
      expect(() => new WechatPayClient({ ...base, verifiers: { certificates: [{ serialNo: 'ABCDEF', pem }] } })).toThrow(/serial number is [0-9A-F]+, not ABCDEF/);
      expect(() => new WechatPayClient({ ...base, apiV3Key: 'short' })).toThrow('the APIv3 key must be 32 bytes');
    } finally {
      await rig.stop();
    }
  });
});

/** The plaintext resource of a notify (tests re-sign variations of it). */
function decryptedResource(rig: PaymentRig, notify: WechatPayNotifyRequest): string {
  const { resource } = JSON.parse(notify.rawBody) as { resource: { ciphertext: string; associated_data: string; nonce: string } };
  return decrypt(resource.ciphertext, rig.sandbox.clientOptions.apiV3Key, resource.associated_data, resource.nonce);
}
