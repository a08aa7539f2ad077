import path from 'node:path';
import { z } from 'zod';
import { InstitutionRulesSchema } from './features/booking/settings.js';
import { SubscribeTemplateIdsSchema } from './features/notifications/templates.js';

/** A TCP port from an env string; 0 means "pick a free one". */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
/** A positive duration in milliseconds from an env string. */
const millis = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** An optional string, trimmed; blank counts as unset. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/**
 * Every environment variable CareLoop reads, in one zod schema. The README's configuration
 * table is made from these comments; keep default and meaning up to date.
 */
export const ConfigSchema = z.object({
  /** `PORT` (default `3000`): TCP port the BFF listens on; `0` picks a free one. */
  PORT: port(3000),
  /** `HOST` (default `127.0.0.1`): interface the BFF binds; `0.0.0.0` to expose it on the network. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** `CARELOOP_DATA_DIR` (default `.data`): where local state lives (the embedded database in `db/`). */
  CARELOOP_DATA_DIR: z.string().min(1).default('.data'),
  /** `MONGODB_URI` (default unset): a real MongoDB; unset starts the embedded MongoDB with data in `${CARELOOP_DATA_DIR}/db`. */
  MONGODB_URI: optionalText.pipe(
    z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'a connection string starting with mongodb:// or mongodb+srv://').optional(),
  ),
  /** `MONGODB_DB` (default `careloop`): database name. */
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only (≤ 63)').default('careloop'),
  /** `HOSPITAL_FHIR_BASE_URL` (default unset): the hospital's FHIR R4 base URL; unset starts the embedded hospital simulator. */
  HOSPITAL_FHIR_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://his.example/fhir' }).optional()),
  /** `HOSPITAL_SIMULATOR_PORT` (default `0`): port of the embedded hospital simulator (when `HOSPITAL_FHIR_BASE_URL` is unset); `0` picks a free one. */
  HOSPITAL_SIMULATOR_PORT: port(0),
  /** `HOSPITAL_TIMEOUT_MS` (default `3000`): time-out of one call to the hospital. */
  HOSPITAL_TIMEOUT_MS: millis(3000),
  /** `HOSPITAL_RETRIES` (default `2`): retries of a failed idempotent hospital call (with back-off). */
  HOSPITAL_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** `HOSPITAL_MPI_INDEX_KEY` (default the simulator's demo key): HMAC key of the hospitals' resident-id index, to link a new patient to the master patient index; never logged. */
  HOSPITAL_MPI_INDEX_KEY: z.string().min(1).default('careloop-demo-blind-index-key'),
  /** `DIRECTORY_SYNC_INTERVAL_MS` (default `600000`, 10 min): how often the directory cache is refreshed from the hospital. */
  DIRECTORY_SYNC_INTERVAL_MS: millis(600_000),
  /** `DIRECTORY_STALE_AFTER_MS` (default `3600000`, 1 h): after this long without a successful sync the directory is served with `stale: true`. */
  DIRECTORY_STALE_AFTER_MS: millis(3_600_000),
  /** `WECHAT_APPID` (default unset): the mini-program's AppID; unset (with `WECHAT_SECRET`) starts the embedded WeChat sandbox. */
  WECHAT_APPID: optionalText,
  /** `WECHAT_SECRET` (default unset): the mini-program's AppSecret; never logged. */
  WECHAT_SECRET: optionalText,
  /** `WECHAT_API_BASE_URL` (default `https://api.weixin.qq.com`): the WeChat API; in sandbox mode the sandbox's URL replaces it. */
  WECHAT_API_BASE_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://api.weixin.qq.com' }).default('https://api.weixin.qq.com'),
  /** `WECHAT_SANDBOX_PORT` (default `0`): port of the embedded WeChat sandbox (when `WECHAT_APPID`/`WECHAT_SECRET` are unset); `0` picks a free one. */
  WECHAT_SANDBOX_PORT: port(0),
  /** `WECHAT_SUBSCRIBE_TEMPLATES` (default unset: the demo ids): JSON `{ "booking_status": "<template id>", "refund": "<template id>" }`, the subscribe-message templates (预约状态通知, 退款通知) issued for our AppID. */
  WECHAT_SUBSCRIBE_TEMPLATES: optionalText.pipe(
    z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'valid JSON, e.g. {"booking_status":"AbC…","refund":"XyZ…"}' });
          return z.NEVER;
        }
      })
      .pipe(SubscribeTemplateIdsSchema)
      .optional(),
  ),
  /** `WECHATPAY_MCHID` (default unset): WeChat Pay merchant id (商户号); unset starts the embedded WeChat Pay sandbox. */
  WECHATPAY_MCHID: optionalText.pipe(z.string().regex(/^\d{6,16}$/, 'digits only, e.g. 1230000109').optional()),
  /** `WECHATPAY_MERCHANT_SERIAL_NO` (default unset): serial number of the merchant API certificate (商户API证书序列号); required with `WECHATPAY_MCHID`. */
  WECHATPAY_MERCHANT_SERIAL_NO: optionalText.pipe(z.string().regex(/^[0-9A-Fa-f]{8,40}$/, 'the certificate serial in hex').optional()),
  /** `WECHATPAY_PRIVATE_KEY_PATH` (default unset): PEM file of the merchant API private key (apiclient_key.pem); required with `WECHATPAY_MCHID`; never logged. */
  WECHATPAY_PRIVATE_KEY_PATH: optionalText,
  /** `WECHATPAY_APIV3_KEY` (default unset): the 32-character APIv3 key (decrypts notifies); required with `WECHATPAY_MCHID`; never logged. */
  WECHATPAY_APIV3_KEY: optionalText.pipe(z.string().refine((value) => Buffer.byteLength(value, 'utf8') === 32, '32 bytes (the APIv3 key set in the merchant platform)').optional()),
  /** `WECHATPAY_PLATFORM_CERT_PATH` (default unset): PEM file of the WeChat Pay platform certificate (its serial is read from it); this or the public key is required with `WECHATPAY_MCHID`. */
  WECHATPAY_PLATFORM_CERT_PATH: optionalText,
  /** `WECHATPAY_PUBLIC_KEY_ID` (default unset): ID of the WeChat Pay public key, `PUB_KEY_ID_…`; set with `WECHATPAY_PUBLIC_KEY_PATH`. */
  WECHATPAY_PUBLIC_KEY_ID: optionalText.pipe(z.string().regex(/^PUB_KEY_ID_\w+$/, 'PUB_KEY_ID_ followed by digits').optional()),
  /** `WECHATPAY_PUBLIC_KEY_PATH` (default unset): PEM file of the WeChat Pay public key (pub_key.pem); set with `WECHATPAY_PUBLIC_KEY_ID`. */
  WECHATPAY_PUBLIC_KEY_PATH: optionalText,
  /** `WECHATPAY_API_BASE_URL` (default `https://api.mch.weixin.qq.com`): the WeChat Pay API; in sandbox mode the sandbox's URL replaces it. */
  WECHATPAY_API_BASE_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://api.mch.weixin.qq.com' }).default('https://api.mch.weixin.qq.com'),
  /** `WECHATPAY_SANDBOX_PORT` (default `0`): port of the embedded WeChat Pay sandbox (when `WECHATPAY_MCHID` is unset); `0` picks a free one. */
  WECHATPAY_SANDBOX_PORT: port(0),
  /** `WECHATPAY_NOTIFY_BASE_URL` (default unset: the BFF's own URL): public base URL WeChat Pay sends payment and refund notifies to (https in production). */
  WECHATPAY_NOTIFY_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://careloop.example' }).optional()),
  /** `JWT_SECRET` (default unset): HS256 secret of access tokens (at least 32 characters); unset generates one into `${CARELOOP_DATA_DIR}/keys/jwt.key` (mode 0600). */
  JWT_SECRET: optionalText.pipe(z.string().min(32, 'at least 32 characters').optional()),
  /** `FIELD_ENCRYPTION_KEY` (default unset): 32-byte base64 master key of field encryption (phones, session keys); unset generates one into `${CARELOOP_DATA_DIR}/keys/field-encryption.key` (mode 0600). */
  FIELD_ENCRYPTION_KEY: optionalText.pipe(
    z
      .string()
      .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, '32 bytes, base64-encoded')
      .optional(),
  ),
  /** `ACCESS_TOKEN_TTL_SECONDS` (default `900`, 15 min): lifetime of a patient access token (JWT). */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().max(86_400).default(900),
  /** `REFRESH_TOKEN_TTL_DAYS` (default `30`): lifetime of a refresh token; each refresh issues a new one. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().max(365).default(30),
  /** `LOG_LEVEL` (default `info`): pino level (`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `NODE_ENV` (default `development`): `production` hardens defaults (e.g. HSTS); `test` under vitest. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** `H5_DIR` (default `miniprogram/dist-h5`): the built H5 app, served at `/`. */
  H5_DIR: z.string().min(1).default('miniprogram/dist-h5'),
  /** `BODY_LIMIT` (default `100kb`): largest request body accepted; bigger ones get 413. */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+\s*(b|kb|mb)?$/i, 'a size like 100kb, 1mb or 2048')
    .default('100kb'),
  /** `BOOKING_OPEN_DAYS_AHEAD` (default `7`): booking opens this many days before the visit day (REFERENCE §5.2, 114 platform). */
  BOOKING_OPEN_DAYS_AHEAD: z.coerce.number().int().min(1).max(90).default(7),
  /** `BOOKING_OPEN_TIME` (default `15:00`): Shanghai time at which a new day's slots are released. */
  BOOKING_OPEN_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:mm').default('15:00'),
  /** `BOOKING_PAY_WITHIN_MINUTES` (default `15`): an unpaid hold is released after this many minutes. */
  BOOKING_PAY_WITHIN_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  /** `BOOKING_CANCEL_CUTOFF_HOURS` (default `24`): free cancellation (full refund) until this many hours before the visit. */
  BOOKING_CANCEL_CUTOFF_HOURS: z.coerce.number().int().min(0).max(720).default(24),
  /** `BOOKING_CLOSE_MINUTES_BEFORE` (default `30`): online booking of a slot stops this many minutes before it starts. */
  BOOKING_CLOSE_MINUTES_BEFORE: z.coerce.number().int().min(0).max(1440).default(30),
  /** `BOOKING_MAX_ACTIVE_PER_PATIENT` (default `5`): most active (unpaid or booked, not yet visited) appointments per patient. */
  BOOKING_MAX_ACTIVE_PER_PATIENT: z.coerce.number().int().min(1).max(50).default(5),
  /** `BOOKING_ATTEMPTS_PER_MINUTE` (default `5`): booking attempts allowed per account and per patient per minute (429 beyond). */
  BOOKING_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(5),
  /** `BOOKING_NO_SHOW_RULE` (default `3/90/30`): `threshold/windowDays/pauseDays` — that many no-shows within the window pause online booking. */
  BOOKING_NO_SHOW_RULE: z
    .string()
    .regex(/^\d{1,3}\/\d{1,3}\/\d{1,3}$/, 'threshold/windowDays/pauseDays, e.g. 3/90/30')
    .default('3/90/30'),
  /** `BOOKING_REFERRAL_RESERVE_PERCENT` (default `25`): share of an expert's (associate chief, chief) places kept for alliance referrals. */
  BOOKING_REFERRAL_RESERVE_PERCENT: z.coerce.number().int().min(0).max(100).default(25),
  /** `BOOKING_REFERRAL_RELEASE_HOURS` (default `24`): unused referral places open to the public this many hours before the session. */
  BOOKING_REFERRAL_RELEASE_HOURS: z.coerce.number().int().min(0).max(720).default(24),
  /** `BOOKING_PRIORITY_SLOTS_PER_SESSION` (default `2`): places per session kept for the priority channel (elderly 65+, disabled; booked by staff). */
  BOOKING_PRIORITY_SLOTS_PER_SESSION: z.coerce.number().int().min(0).max(50).default(2),
  /** `BOOKING_WAITLIST_PAY_MINUTES` (default `30`): how long a waitlist patient has to pay for an offered place. */
  BOOKING_WAITLIST_PAY_MINUTES: z.coerce.number().int().min(1).max(240).default(30),
  /** `BOOKING_INSTITUTION_RULES` (default unset): JSON `{ "<institution id>": { <rule>: value, "referralReserveByDepartment": { "<department id>": percent } } }` overriding the rules above per institution. */
  BOOKING_INSTITUTION_RULES: optionalText.pipe(
    z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'valid JSON, e.g. {"org-core":{"openDaysAhead":14}}' });
          return z.NEVER;
        }
      })
      .pipe(InstitutionRulesSchema)
      .optional(),
  ),
  /** `BOOKING_REGISTRATION_DEADLINE_MINUTES` (default `10`, at most 15): after payment, how long registration at the hospital is retried before the patient is refunded automatically. */
  BOOKING_REGISTRATION_DEADLINE_MINUTES: z.coerce.number().int().min(1).max(15).default(10),
  /** `BOOKING_INVENTORY_FRESH_MS` (default `60000`): a doctor's day synced from the hospital this recently is served as is (older: refreshed in the background). */
  BOOKING_INVENTORY_FRESH_MS: millis(60_000),
  /** `BOOKING_JOBS` (default `on`): `off` leaves the booking jobs (hold expiry, order query, registration retries, refunds, releases, inventory sync, reconciliation) unscheduled on this instance. */
  BOOKING_JOBS: z.enum(['on', 'off']).default('on'),
});

/** The parsed configuration, with derived paths. */
export type Config = z.infer<typeof ConfigSchema> & {
  /** Absolute data directory. */
  dataDir: string;
  /** Absolute H5 directory. */
  h5Dir: string;
  /** BODY_LIMIT in bytes. */
  bodyLimitBytes: number;
};

/** Why the boot stopped: the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** The variables at fault. */
    readonly variables: string[],
  ) {
    super(message);
  }
}

/** `100kb` → 102400 (k = 1024, as koa's body parsers count). */
function parseSize(size: string): number {
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
  return Number(match[1]) * factor;
}

/**
 * Parses the environment once at start-up. The only place that reads `process.env`; a bad value
 * throws a `ConfigError` naming the variable, so the boot stops before anything starts.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): Config {
  // Only our variables, so a stray unrelated env never shows up in messages.
  // An empty value means "use the default", as in `PORT= npm start`.
  const known: Record<string, string | undefined> = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = ConfigSchema.safeParse(known);
  if (!parsed.success) {
    const variables = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // Values of URIs may hold passwords: never echo them.
      const shown = /URI|URL|SECRET|KEY/.test(name) ? '' : ` (got ${JSON.stringify(known[name])})`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration — fix these environment variables:\n${lines.join('\n')}`, variables);
  }
  const config = parsed.data;
  return {
    ...config,
    dataDir: path.resolve(cwd, config.CARELOOP_DATA_DIR),
    h5Dir: path.resolve(cwd, config.H5_DIR),
    bodyLimitBytes: parseSize(config.BODY_LIMIT),
  };
}
