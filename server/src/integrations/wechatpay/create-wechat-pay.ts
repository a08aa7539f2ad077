import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../../config.js';
import { SANDBOX_APPID } from '../wechat/sandbox/app.js';
import { WechatPayClient } from './client.js';
import type { WechatPay } from './port.js';
import { startWechatPaySandbox, type RunningWechatPaySandbox } from './sandbox/index.js';
import type { WechatPayVerifierOptions } from './verifiers.js';

/**
 * Boot wiring of WeChat Pay in one call: the real API when a merchant is configured
 * (`WECHATPAY_MCHID` and its keys), otherwise the embedded sandbox started here (stopped by a
 * cleanup). Either way the same `WechatPayClient` with the same signing and verification runs.
 */

/** Where WeChat Pay posts payment and refund notifies, under the notify base URL. */
export const WECHATPAY_NOTIFY_PATH = '/api/v1/payments/wechat/notify';

/** The variables createWechatPay reads. */
export type WechatPayConfig = Pick<
  Config,
  | 'WECHAT_APPID'
  | 'WECHATPAY_MCHID'
  | 'WECHATPAY_MERCHANT_SERIAL_NO'
  | 'WECHATPAY_PRIVATE_KEY_PATH'
  | 'WECHATPAY_APIV3_KEY'
  | 'WECHATPAY_PLATFORM_CERT_PATH'
  | 'WECHATPAY_PUBLIC_KEY_ID'
  | 'WECHATPAY_PUBLIC_KEY_PATH'
  | 'WECHATPAY_API_BASE_URL'
  | 'WECHATPAY_SANDBOX_PORT'
  | 'WECHATPAY_NOTIFY_BASE_URL'
>;

/** True when payments run against the embedded sandbox (no merchant configured). */
export function wechatPaySandboxMode(config: Pick<Config, 'WECHATPAY_MCHID'>): boolean {
  return config.WECHATPAY_MCHID === undefined;
}

/** What boot gets: the port, and the sandbox when one was started (tests and the H5 cashier need it). */
export interface CreatedWechatPay {
  wechatPay: WechatPay;
  sandbox?: RunningWechatPaySandbox;
}

/** Dependencies of createWechatPay. */
export interface CreateWechatPayDeps {
  now: () => Date;
  logger: Logger;
  /** Boot's stop list; the sandbox registers its stop here. */
  cleanups: Array<() => Promise<void>>;
  /** The BFF's own URL (known after it listens): the default notify base. */
  appUrl: () => string;
  /** Sandbox only: how it presents its key (default `public_key`, like merchants since 2024-11). */
  sandboxVerification?: 'certificate' | 'public_key';
}

/** Builds the WeChat Pay port from the config; a missing or unreadable merchant setting throws ConfigError. */
export async function createWechatPay(config: WechatPayConfig, deps: CreateWechatPayDeps): Promise<CreatedWechatPay> {
  const logger = deps.logger.child({ component: 'wechatpay' });
  const notifyUrl = () => `${(config.WECHATPAY_NOTIFY_BASE_URL ?? deps.appUrl()).replace(/\/+$/, '')}${WECHATPAY_NOTIFY_PATH}`;

  if (wechatPaySandboxMode(config)) {
    const sandbox = await startWechatPaySandbox({
      port: config.WECHATPAY_SANDBOX_PORT,
      now: deps.now,
      logger: deps.logger.child({ component: 'wechatpay-sandbox' }),
      verification: deps.sandboxVerification ?? 'public_key',
      ...(config.WECHAT_APPID === undefined ? {} : { appid: config.WECHAT_APPID }),
    });
    deps.cleanups.push(() => sandbox.stop());
    logger.info({ baseUrl: sandbox.baseUrl }, 'WeChat Pay sandbox started');
    const wechatPay = new WechatPayClient({ ...sandbox.clientOptions, notifyUrl, now: deps.now, logger });
    return { wechatPay, sandbox };
  }

  const problems: Array<[string, string]> = [];
  const require = <T>(name: string, value: T | undefined): T | undefined => {
    if (value === undefined) problems.push([name, 'required when WECHATPAY_MCHID is set']);
    return value;
  };
  const appid = config.WECHAT_APPID ?? SANDBOX_APPID;
  if (config.WECHAT_APPID === undefined) problems.push(['WECHAT_APPID', 'required when WECHATPAY_MCHID is set (payments are made under the AppID)']);
  const serialNo = require('WECHATPAY_MERCHANT_SERIAL_NO', config.WECHATPAY_MERCHANT_SERIAL_NO);
  const apiV3Key = require('WECHATPAY_APIV3_KEY', config.WECHATPAY_APIV3_KEY);
  const privateKeyPem = readPem('WECHATPAY_PRIVATE_KEY_PATH', require('WECHATPAY_PRIVATE_KEY_PATH', config.WECHATPAY_PRIVATE_KEY_PATH), problems);

  const verifiers: WechatPayVerifierOptions = {};
  const certificatePem = readPem('WECHATPAY_PLATFORM_CERT_PATH', config.WECHATPAY_PLATFORM_CERT_PATH, problems);
  if (certificatePem !== undefined) {
    try {
      verifiers.certificates = [{ serialNo: new X509Certificate(certificatePem).serialNumber, pem: certificatePem }];
    } catch {
      problems.push(['WECHATPAY_PLATFORM_CERT_PATH', 'not a PEM X.509 certificate']);
    }
  }
  if ((config.WECHATPAY_PUBLIC_KEY_ID === undefined) !== (config.WECHATPAY_PUBLIC_KEY_PATH === undefined)) {
    problems.push([config.WECHATPAY_PUBLIC_KEY_ID === undefined ? 'WECHATPAY_PUBLIC_KEY_ID' : 'WECHATPAY_PUBLIC_KEY_PATH', 'set the public key ID and its file together']);
  }
  const publicKeyPem = readPem('WECHATPAY_PUBLIC_KEY_PATH', config.WECHATPAY_PUBLIC_KEY_PATH, problems);
  if (publicKeyPem !== undefined && config.WECHATPAY_PUBLIC_KEY_ID !== undefined) verifiers.publicKey = { id: config.WECHATPAY_PUBLIC_KEY_ID, pem: publicKeyPem };
  if (config.WECHATPAY_PLATFORM_CERT_PATH === undefined && config.WECHATPAY_PUBLIC_KEY_PATH === undefined) {
    problems.push(['WECHATPAY_PUBLIC_KEY_PATH', 'set the WeChat Pay public key (or WECHATPAY_PLATFORM_CERT_PATH) to verify WeChat Pay']);
  }

  let wechatPay: WechatPayClient | undefined;
  if (problems.length === 0) {
    try {
      wechatPay = new WechatPayClient({
        baseUrl: config.WECHATPAY_API_BASE_URL,
        appid,
        mchid: config.WECHATPAY_MCHID as string,
        merchantSerialNo: serialNo as string,
        merchantPrivateKeyPem: privateKeyPem as string,
        apiV3Key: apiV3Key as string,
        verifiers,
        notifyUrl,
        now: deps.now,
        logger,
      });
    } catch (error) {
      // Key material that does not parse; the messages name the key, never its content.
      problems.push(['WECHATPAY_PRIVATE_KEY_PATH', error instanceof Error ? error.message : String(error)]);
    }
  }
  if (problems.length > 0 || wechatPay === undefined) {
    throw new ConfigError(
      `Invalid WeChat Pay configuration — fix these environment variables:\n${problems.map(([name, why]) => `  ${name}: ${why}`).join('\n')}`,
      [...new Set(problems.map(([name]) => name))],
    );
  }
  if (config.WECHATPAY_NOTIFY_BASE_URL === undefined || !config.WECHATPAY_NOTIFY_BASE_URL.startsWith('https://')) {
    logger.warn({}, 'WECHATPAY_NOTIFY_BASE_URL is not a public https URL: WeChat Pay cannot deliver notifies; payments will be seen only by querying');
  }
  return { wechatPay };
}

/** A PEM file's text; a problem (never its content) when it cannot be read. */
function readPem(variable: string, path: string | undefined, problems: Array<[string, string]>): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    problems.push([variable, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
    return undefined;
  }
}
