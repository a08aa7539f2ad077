import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { createLogger } from '../../logging/logger.js';
import { sandboxOpenid } from '../wechat/sandbox/app.js';
import { createWechatPay, WECHATPAY_NOTIFY_PATH } from './create-wechat-pay.js';
import { startWechatPaySandbox } from './sandbox/index.js';

const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(path.join(tmpdir(), 'careloop-wechatpay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createWechatPay', () => {
  it('starts the sandbox when no merchant is configured, with notifies sent to the app', async () => {
    const cleanups: Array<() => Promise<void>> = [];
    const { wechatPay, sandbox } = await createWechatPay(loadConfig({}), { now: () => new Date(), logger, cleanups, appUrl: () => 'http://127.0.0.1:3999' });
    try {
      expect(sandbox?.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(cleanups).toHaveLength(1);
      await wechatPay.createJsapiOrder({ outTradeNo: 'CLBOOT000001', description: '挂号费', amount: 1000, payerOpenid: sandboxOpenid('a'), timeExpire: new Date(Date.now() + 600_000).toISOString() });
      expect(sandbox!.controls.orders()[0]?.notifyUrl).toBe(`http://127.0.0.1:3999${WECHATPAY_NOTIFY_PATH}`);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('names every missing merchant variable', async () => {
    const attempt = createWechatPay(loadConfig({ WECHATPAY_MCHID: '1230000109' }), { now: () => new Date(), logger, cleanups: [], appUrl: () => 'http://x' });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables.sort()).toEqual(['WECHATPAY_APIV3_KEY', 'WECHATPAY_MERCHANT_SERIAL_NO', 'WECHATPAY_PRIVATE_KEY_PATH', 'WECHATPAY_PUBLIC_KEY_PATH', 'WECHAT_APPID']);
  });

  it('builds the real client from key files (public key and certificate modes) against the configured base URL', async () => {
    for (const verification of ['public_key', 'certificate'] as const) {
      const sandbox = await startWechatPaySandbox({ now: () => new Date(), verification });
      try {
        const options = sandbox.clientOptions;
        const keyPath = path.join(dir, `${verification}-key.pem`);
        const verifierPath = path.join(dir, `${verification}-verifier.pem`);
        writeFileSync(keyPath, options.merchantPrivateKeyPem, { mode: 0o600 });
        writeFileSync(verifierPath, verification === 'certificate' ? sandbox.keys.platformCertificatePem! : sandbox.keys.platformPublicKeyPem);
        const env = {
          WECHAT_APPID: options.appid,
          WECHATPAY_MCHID: options.mchid,
          WECHATPAY_MERCHANT_SERIAL_NO: options.merchantSerialNo,
          WECHATPAY_PRIVATE_KEY_PATH: keyPath,
          WECHATPAY_APIV3_KEY: options.apiV3Key,
          WECHATPAY_API_BASE_URL: sandbox.baseUrl,
          WECHATPAY_NOTIFY_BASE_URL: 'https://careloop.example',
          ...(verification === 'certificate'
            ? { WECHATPAY_PLATFORM_CERT_PATH: verifierPath }
            : { WECHATPAY_PUBLIC_KEY_ID: sandbox.keys.platformSerial, WECHATPAY_PUBLIC_KEY_PATH: verifierPath }),
        };
        const created = await createWechatPay(loadConfig(env), { now: () => new Date(), logger, cleanups: [], appUrl: () => 'http://unused' });
        expect(created.sandbox).toBeUndefined();
        expect(await created.wechatPay.queryOrder('CLUNKNOWN01')).toBeNull();
      } finally {
        await sandbox.stop();
      }
    }
  });

  it('refuses an unreadable key file without echoing its path content', async () => {
    const env = {
      WECHAT_APPID: 'wx1234567890abcdef',
      WECHATPAY_MCHID: '1230000109',
      WECHATPAY_MERCHANT_SERIAL_NO: 'ABCDEF0123',
      WECHATPAY_PRIVATE_KEY_PATH: path.join(dir, 'missing.pem'),
      WECHATPAY_APIV3_KEY: 'k'.repeat(32),
      WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0112',
      WECHATPAY_PUBLIC_KEY_PATH: path.join(dir, 'missing-pub.pem'),
    };
    const error = (await createWechatPay(loadConfig(env), { now: () => new Date(), logger, cleanups: [], appUrl: () => 'http://x' }).catch((e: unknown) => e)) as ConfigError;
    expect(error.variables.sort()).toEqual(['WECHATPAY_PRIVATE_KEY_PATH', 'WECHATPAY_PUBLIC_KEY_PATH']);
    expect(error.message).toContain('ENOENT');
  });
});
