import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SANDBOX_APPID } from '../../wechat/sandbox/app.js';
import type { WechatPayClientOptions } from '../client.js';
import type { WechatPayNotifyRequest } from '../port.js';
import { createWechatPaySandboxApp, type WechatPaySandboxControls } from './app.js';
import { WECHAT_NOTIFY_RETRY_DELAYS_MS } from './notifier.js';
import { buildNotifyRequest, forgerKey, signNotifyBody, type NotifySigner, type SandboxNotifyEvent } from './notify-builder.js';
import { selfSignedCertificate } from './self-signed-certificate.js';

/**
 * The embedded WeChat Pay sandbox on its own port (127.0.0.1): the default when no merchant is
 * configured, and what the payment tests run against. Keys are generated at every start — the
 * merchant's (the client signs with it, the sandbox verifies) and the platform's (the sandbox
 * signs, the client verifies) — and the platform key is presented either as a self-signed X.509
 * platform certificate or as a WeChat Pay public key `PUB_KEY_ID_…`, so both verification modes
 * of the real client are exercised end to end.
 */

export { createWechatPaySandboxApp } from './app.js';
export type { WechatPaySandboxControls } from './app.js';
export type { SandboxOrder, SandboxRefund } from './ledger.js';
export type { NotifyDelivery } from './notifier.js';
export { buildNotifyRequest, signNotifyBody, WECHAT_NOTIFY_RETRY_DELAYS_MS };
export type { SandboxNotifyEvent };

/** The sandbox merchant's name on the cashier page. */
export const SANDBOX_MERCHANT_NAME = 'CareLoop 医联体（沙箱商户）';
/** The sandbox's merchant id (WeChat Pay's documentation example). */
export const SANDBOX_MCHID = '1230000109';

/** Options of a running sandbox. */
export interface StartWechatPaySandboxOptions {
  /** 0 or absent: a free port. */
  port?: number;
  now: () => Date;
  logger?: Logger;
  /** How WeChat Pay identifies its signing key: platform certificate serial, or `PUB_KEY_ID_…`. */
  verification: 'certificate' | 'public_key';
  /** Delays between notify attempts; default WeChat Pay's schedule (15 s … 6 h). */
  notifyRetryDelaysMs?: number[];
  /** A refund stays PROCESSING this long (default 1000 ms). */
  refundDelayMs?: number;
  /** The AppID orders must carry (default the WeChat sandbox's). */
  appid?: string;
}

/** What `WechatPayClient` needs from the sandbox (add notifyUrl, now, logger, timeoutMs). */
export type WechatPaySandboxClientOptions = Pick<
  WechatPayClientOptions,
  'baseUrl' | 'appid' | 'mchid' | 'merchantSerialNo' | 'merchantPrivateKeyPem' | 'apiV3Key' | 'verifiers'
>;

/** Options for a notify built by a test. */
export interface TestNotifyOptions {
  /** Signing time (default the sandbox's now). */
  at?: Date;
  /** `Wechatpay-Serial` to claim (default the platform's). */
  serial?: string;
  /** Encrypt with this APIv3 key instead (a notify for another merchant). */
  apiV3Key?: string;
}

/** A running sandbox. */
export interface RunningWechatPaySandbox {
  /** Stands in for `https://api.mch.weixin.qq.com`, e.g. `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** The cashier page for a prepay_id (H5 opens it instead of `wx.requestPayment`). */
  cashierUrl(prepayId: string, returnUrl: string): string;
  clientOptions: WechatPaySandboxClientOptions;
  /** The merchant public key (verifies paySign) and the platform's presentation. */
  keys: { merchantPublicKeyPem: string; platformSerial: string; platformPublicKeyPem: string; platformCertificatePem?: string };
  controls: WechatPaySandboxControls;
  /** A notify signed by the platform key, as WeChat Pay would send it, for any payload. */
  notifyRequest(event: SandboxNotifyEvent, options?: TestNotifyOptions): WechatPayNotifyRequest;
  /** The same, signed by a key that is not the platform's (forgery tests). */
  forgedNotifyRequest(event: SandboxNotifyEvent, options?: TestNotifyOptions): WechatPayNotifyRequest;
  /** A raw body signed by the platform key (tampering tests build bodies themselves). */
  signRawNotify(rawBody: string, options?: Pick<TestNotifyOptions, 'at' | 'serial'>): WechatPayNotifyRequest;
  stop(): Promise<void>;
}

/** Starts the sandbox. */
export async function startWechatPaySandbox(options: StartWechatPaySandboxOptions): Promise<RunningWechatPaySandbox> {
  const now = options.now;
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apiV3Key = randomBytes(24).toString('base64url').slice(0, 32);
  const merchantSerialNo = randomBytes(20).toString('hex').toUpperCase();
  const platformPublicKeyPem = platform.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  let platformSerial: string;
  let verifiers: WechatPaySandboxClientOptions['verifiers'];
  let platformCertificatePem: string | undefined;
  if (options.verification === 'certificate') {
    const at = now();
    const certificate = selfSignedCertificate({
      publicKey: platform.publicKey,
      privateKey: platform.privateKey,
      notBefore: new Date(at.getTime() - 24 * 3600_000),
      notAfter: new Date(at.getTime() + 5 * 365 * 24 * 3600_000),
      organization: '财付通支付科技有限公司（沙箱）',
      commonName: 'Tenpay.com CA 沙箱平台证书',
    });
    platformSerial = certificate.serialNo;
    platformCertificatePem = certificate.pem;
    verifiers = { certificates: [{ serialNo: certificate.serialNo, pem: certificate.pem }] };
  } else {
    platformSerial = `PUB_KEY_ID_0112${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e9)).padStart(9, '0')}0000000000`;
    verifiers = { publicKey: { id: platformSerial, pem: platformPublicKeyPem } };
  }
  const signer: NotifySigner = { privateKey: platform.privateKey, serial: platformSerial };
  const appid = options.appid ?? SANDBOX_APPID;

  const sandbox = createWechatPaySandboxApp({
    appid,
    mchid: SANDBOX_MCHID,
    merchantName: SANDBOX_MERCHANT_NAME,
    merchantSerialNo,
    merchantPublicKey: merchant.publicKey,
    apiV3Key,
    platform: signer,
    now,
    ...(options.logger ? { logger: options.logger } : {}),
    notifyRetryDelaysMs: options.notifyRetryDelaysMs ?? WECHAT_NOTIFY_RETRY_DELAYS_MS,
    refundDelayMs: options.refundDelayMs ?? 1_000,
  });
  const server = createServer(sandbox.app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const test = (signWith: NotifySigner) => (event: SandboxNotifyEvent, testOptions: TestNotifyOptions = {}) =>
    buildNotifyRequest(event, {
      apiV3Key: testOptions.apiV3Key ?? apiV3Key,
      signer: { privateKey: signWith.privateKey, serial: testOptions.serial ?? signWith.serial },
      at: testOptions.at ?? now(),
    });

  let stopping: Promise<void> | undefined;
  return {
    baseUrl,
    cashierUrl: (prepayId, returnUrl) => `${baseUrl}/cashier?${new URLSearchParams({ prepay_id: prepayId, return_url: returnUrl }).toString()}`,
    clientOptions: {
      baseUrl,
      appid,
      mchid: SANDBOX_MCHID,
      merchantSerialNo,
      merchantPrivateKeyPem: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiV3Key,
      verifiers,
    },
    keys: {
      merchantPublicKeyPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      platformSerial,
      platformPublicKeyPem,
      ...(platformCertificatePem ? { platformCertificatePem } : {}),
    },
    controls: sandbox.controls,
    notifyRequest: test(signer),
    forgedNotifyRequest: test({ privateKey: forgerKey(), serial: platformSerial }),
    signRawNotify: (rawBody, testOptions = {}) =>
      signNotifyBody(rawBody, { privateKey: signer.privateKey, serial: testOptions.serial ?? signer.serial }, testOptions.at ?? now()),
    stop: () => {
      stopping ??= new Promise<void>((resolve, reject) => {
        sandbox.stop();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
      return stopping;
    },
  };
}
