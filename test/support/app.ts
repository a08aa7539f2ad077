import { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { createApp } from '../../server/src/app.js';
import type { Clock } from '../../server/src/clock.js';
import { loadConfig, type Config } from '../../server/src/config.js';
import { connectMongoose, pingDatabase, type DatabaseHealth } from '../../server/src/db/mongoose.js';
import { createAuditModels } from '../../server/src/features/audit/model.js';
import { createAuditService } from '../../server/src/features/audit/service.js';
import { createAuthModels } from '../../server/src/features/auth/model.js';
import {
  bookingSettingsFromConfig,
  createBooking,
  createBookingModels,
  type BookingService,
} from '../../server/src/features/booking/index.js';
import { createWechatPay, type RunningWechatPaySandbox } from '../../server/src/integrations/wechatpay/index.js';
import { loadAuthSecrets } from '../../server/src/features/auth/secrets.js';
import { createAuthService, type AuthService } from '../../server/src/features/auth/service.js';
import { createDirectoryModels } from '../../server/src/features/directory/model.js';
import { createDirectoryService, type DirectoryService } from '../../server/src/features/directory/service.js';
import {
  createNotificationModels,
  createNotificationsService,
  createWechatDelivery,
  subscribeTemplateIds,
  type NotificationsService,
} from '../../server/src/features/notifications/index.js';
import { createConsentModels } from '../../server/src/features/consents/model.js';
import { createConsentsService } from '../../server/src/features/consents/service.js';
import { createPatientModels } from '../../server/src/features/patients/model.js';
import { createPatientsService } from '../../server/src/features/patients/service.js';
import { createStaffAuth, type StaffAuth } from '../../server/src/features/staff-auth/index.js';
import { createStaffPatientsService } from '../../server/src/features/staff-patients/service.js';
import { FhirHospitalSystem } from '../../server/src/integrations/hospital/fhir/fhir-hospital-system.js';
import type { HospitalSystem } from '../../server/src/integrations/hospital/port.js';
import { WechatClient } from '../../server/src/integrations/wechat/client.js';
import { SANDBOX_APPID, SANDBOX_SECRET } from '../../server/src/integrations/wechat/sandbox/index.js';
import { createLogger } from '../../server/src/logging/logger.js';
import { firstSyncBudgetMs } from '../../server/src/main.js';
import { uniqueDbName } from './mongo.js';
import { listenOnLoopback } from './listen.js';

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

/** A clock starting at `at`. */
export function testClock(at: Date | string): TestClock {
  let current = new Date(at).getTime();
  return {
    now: () => new Date(current),
    set: (next) => {
      current = new Date(next).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Options of a test app. */
export interface TestAppOptions {
  /** The test MongoDB (`useTestMongo().uri`); each app gets a database of its own. */
  mongoUri: string;
  /** The hospital's FHIR base (usually a simulator's `baseUrl`), reached through the real adapter… */
  hospitalBaseUrl?: string;
  /** …or a HospitalSystem of the test's own. */
  hospital?: HospitalSystem;
  clock: Clock;
  /** Environment overrides, parsed by the real config schema. */
  env?: Record<string, string>;
  /** Replaces the database probe of /healthz (to show "database down"). */
  ping?: () => Promise<DatabaseHealth>;
  /**
   * The WeChat API the real client calls (a sandbox's `baseUrl`, or an msw-faked origin), with
   * the sandbox's credentials unless given; absent: an address nothing listens on.
   */
  wechat?: { baseUrl: string; appid?: string; secret?: string; timeoutMs?: number; sandbox?: boolean };
  /** Mount staff sign-in with the seeded demo staff (as main does next to the simulator). */
  staffAuth?: boolean;
  /**
   * Mount booking and payment on the embedded WeChat Pay sandbox (started for the app, stopped by
   * close()). Jobs are not scheduled: tests run `app.booking.jobs.*` with their own clock.
   */
  booking?: boolean | { sandboxVerification?: 'certificate' | 'public_key'; registrationQuickRetryDelaysMs?: number[] };
}

/** Fixed test keys (so a test can sign its own tokens); never used outside tests. */
export const testJwtSecret = 'careloop-test-jwt-secret-0123456789abcdef';
export const testFieldEncryptionKey = Buffer.alloc(32, 7).toString('base64');

/** A running test app. */
export interface TestApp {
  url: string;
  config: Config;
  directory: DirectoryService;
  auth: AuthService;
  connection: Connection;
  /** Log lines the app wrote (JSON-parsed). */
  logs: Record<string, unknown>[];
  /** Staff auth, when the app was started with `staffAuth: true` (to seed more staff). */
  staffAuth?: StaffAuth;
  /** Booking (its jobs and `idle()`), when started with `booking`. */
  booking?: BookingService;
  /** Patient messages (`idle()` waits for WeChat subscribe sends in flight). */
  notifications: NotificationsService;
  /** The WeChat Pay sandbox behind booking (controls: pay, notifies, faults). */
  wechatPaySandbox?: RunningWechatPaySandbox;
  /** `fetch` relative to the app. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Stops the server, drops the test database, closes the connection. */
  close(): Promise<void>;
}

/**
 * Builds the real app (createApp with the real config schema, mongoose models, directory service
 * and — unless the test passes its own — the real FHIR adapter) on its own database, listening
 * on an ephemeral port. The hospital is whatever the test points it at (normally the simulator).
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'debug',
    NODE_ENV: 'test',
    HOSPITAL_TIMEOUT_MS: '500',
    HOSPITAL_RETRIES: '1',
    JWT_SECRET: testJwtSecret,
    FIELD_ENCRYPTION_KEY: testFieldEncryptionKey,
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: new Writable({
      write(chunk, _encoding, callback) {
        logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        callback();
      },
    }),
  });
  const hospital =
    options.hospital ??
    new FhirHospitalSystem({
      baseUrl: options.hospitalBaseUrl ?? 'http://127.0.0.1:9/fhir',
      timeoutMs: config.HOSPITAL_TIMEOUT_MS,
      retries: config.HOSPITAL_RETRIES,
      // Tests prove fallbacks, not the breaker: keep it closed for the few calls a test makes.
      breaker: { failureThreshold: 1_000 },
    });
  const connection = await connectMongoose({ uri: options.mongoUri, dbName: uniqueDbName('api') });
  const models = await createDirectoryModels(connection);
  const directory = createDirectoryService({
    models,
    hospital,
    clock: options.clock,
    logger,
    staleAfterMs: config.DIRECTORY_STALE_AFTER_MS,
    firstSyncBudgetMs: firstSyncBudgetMs(config),
  });
  const secrets = loadAuthSecrets(config);
  const wechat = new WechatClient({
    baseUrl: options.wechat?.baseUrl ?? 'http://127.0.0.1:9',
    appid: options.wechat?.appid ?? SANDBOX_APPID,
    secret: options.wechat?.secret ?? SANDBOX_SECRET,
    timeoutMs: options.wechat?.timeoutMs ?? 1_000,
    now: () => options.clock.now(),
  });
  const auth = createAuthService({
    models: await createAuthModels(connection),
    wechat,
    crypto: secrets.fieldCrypto,
    clock: options.clock,
    logger: logger.child({ component: 'auth' }),
    jwtSecret: secrets.jwtSecret,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    sandbox: options.wechat?.sandbox ?? true,
  });
  const patients = createPatientsService({
    models: await createPatientModels(connection),
    crypto: secrets.fieldCrypto,
    hospital,
    clock: options.clock,
    logger: logger.child({ component: 'patients' }),
    mpiIndexKey: config.HOSPITAL_MPI_INDEX_KEY,
    accounts: auth,
  });
  const consents = createConsentsService({
    models: await createConsentModels(connection),
    patients,
    clock: options.clock,
    logger: logger.child({ component: 'consents' }),
  });
  const audit = createAuditService({ models: await createAuditModels(connection), clock: options.clock, logger: logger.child({ component: 'audit' }) });
  const notifications = createNotificationsService({
    models: await createNotificationModels(connection),
    wechat: createWechatDelivery({
      consents,
      accounts: auth,
      wechat,
      templateIds: subscribeTemplateIds(config.WECHAT_SUBSCRIBE_TEMPLATES),
      now: () => options.clock.now(),
      logger: logger.child({ component: 'notifications' }),
    }),
    clock: options.clock,
    logger: logger.child({ component: 'notifications' }),
  });
  const staffPatients = createStaffPatientsService({
    patients,
    consents,
    hospital,
    audit,
    clock: options.clock,
    logger: logger.child({ component: 'staff-patients' }),
  });
  let staffAuth: ReturnType<typeof createStaffAuth> | undefined;
  if (options.staffAuth) {
    staffAuth = createStaffAuth({
      connection,
      clock: options.clock,
      logger: logger.child({ component: 'staff-auth' }),
      jwtSecret: secrets.jwtSecret,
      crypto: secrets.fieldCrypto,
    });
    await staffAuth.seedDemoStaff();
  }
  const cleanups: Array<() => Promise<void>> = [];
  let url = '';
  let booking: BookingService | undefined;
  let wechatPaySandbox: RunningWechatPaySandbox | undefined;
  if (options.booking) {
    const bookingOptions = options.booking === true ? {} : options.booking;
    const pay = await createWechatPay(config, {
      now: () => options.clock.now(),
      logger,
      cleanups,
      appUrl: () => url,
      ...(bookingOptions.sandboxVerification ? { sandboxVerification: bookingOptions.sandboxVerification } : {}),
    });
    const sandbox = pay.sandbox;
    wechatPaySandbox = sandbox;
    booking = createBooking(
      {
        models: await createBookingModels(connection),
        hospital,
        patients,
        directory,
        wechatPay: pay.wechatPay,
        accounts: auth,
        notifications,
        clock: options.clock,
        logger: logger.child({ component: 'booking' }),
        settings: bookingSettingsFromConfig(config),
        staffBooking: { audit, mpiIndexKey: config.HOSPITAL_MPI_INDEX_KEY },
        ...(sandbox ? { cashier: { urlFor: ({ prepayId, returnUrl }) => sandbox.cashierUrl(prepayId, returnUrl) } } : {}),
        appUrl: () => url,
      },
      bookingOptions.registrationQuickRetryDelaysMs ? { registrationQuickRetryDelaysMs: bookingOptions.registrationQuickRetryDelaysMs } : {},
    );
  }
  const app = createApp({
    config,
    logger,
    hospital,
    directory,
    auth: { service: auth, jwtSecret: secrets.jwtSecret },
    ...(staffAuth ? { staffAuth } : {}),
    patients,
    consents,
    audit,
    staffPatients,
    ...(booking ? { booking } : {}),
    notifications,
    db: { ping: options.ping ?? ((timeoutMs) => pingDatabase(connection, timeoutMs)) },
    clock: options.clock,
  });
  const listening = await listenOnLoopback(app);
  url = listening.url;
  const close = listening.close;
  return {
    url,
    config,
    directory,
    auth,
    connection,
    logs,
    ...(staffAuth ? { staffAuth } : {}),
    ...(booking ? { booking } : {}),
    notifications,
    ...(wechatPaySandbox ? { wechatPaySandbox } : {}),
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async close() {
      await close();
      await directory.idle();
      await booking?.idle();
      await notifications.idle();
      for (const cleanup of cleanups.reverse()) await cleanup();
      await connection.dropDatabase().catch(() => {});
      await connection.close();
    },
  };
}

/**
 * A response body as JSON, untyped on purpose: tests assert the exact shape at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted with toEqual, not trusted
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
