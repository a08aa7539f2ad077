import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createApp } from './app.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startDatabase } from './db/mongoose.js';
import { createAuditModels } from './features/audit/model.js';
import { createAuditService } from './features/audit/service.js';
import { createAuthModels } from './features/auth/model.js';
import { bookingSettingsFromConfig, createBooking, createBookingModels } from './features/booking/index.js';
import { createStaffAuth } from './features/staff-auth/index.js';
import { loadAuthSecrets } from './features/auth/secrets.js';
import { createAuthService, type AuthService } from './features/auth/service.js';
import { createDirectoryModels } from './features/directory/model.js';
import { createDirectoryService } from './features/directory/service.js';
import { createNotificationModels, createNotificationsService, createWechatDelivery, subscribeTemplateIds } from './features/notifications/index.js';
import { createConsentModels } from './features/consents/model.js';
import { createConsentsService } from './features/consents/service.js';
import { createPatientModels } from './features/patients/model.js';
import { createPatientsService } from './features/patients/service.js';
import { createStaffPatientsService } from './features/staff-patients/service.js';
import { FhirHospitalSystem } from './integrations/hospital/fhir/fhir-hospital-system.js';
import { startHospitalSimulator } from './integrations/hospital/simulator/index.js';
import { WechatClient } from './integrations/wechat/client.js';
import { startWechatSandbox } from './integrations/wechat/sandbox/index.js';
import { createWechatPay } from './integrations/wechatpay/index.js';
import { startAgendaJobs } from './jobs/agenda.js';
import { bookingJobs } from './jobs/booking.js';
import { startDirectorySyncJob } from './jobs/directory-sync.js';
import { createLogger, type Logger } from './logging/logger.js';

/** Pending connections the kernel queues for us (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4_096;

/** A running CareLoop: where it listens and how to stop it. */
export interface RunningCareLoop {
  /** `http://127.0.0.1:PORT` (the host as reachable from this machine). */
  url: string;
  /** Graceful stop: no new connections, in-flight requests finish (bounded), then timers, simulator, database. */
  stop(): Promise<void>;
}

/** Options for embedding CareLoop (tests); main uses the defaults. */
export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** How long stop() lets in-flight requests finish before cutting them (default 10 s). */
  drainTimeoutMs?: number;
}

/**
 * Boots the whole BFF from a parsed config: database (embedded unless MONGODB_URI) → hospital
 * (simulator unless HOSPITAL_FHIR_BASE_URL, always through the FHIR adapter) → app → listen,
 * with the directory sync started but not awaited so a slow hospital never delays listening.
 * Used by `main` and by the end-to-end tests.
 */
export async function startCareLoop(config: Config, options: StartOptions = {}): Promise<RunningCareLoop> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
    cleanups.length = 0;
  };

  try {
    const db = await startDatabase(config, logger);
    cleanups.push(() => db.stop());

    let baseUrl = config.HOSPITAL_FHIR_BASE_URL;
    if (baseUrl === undefined) {
      const simulator = await startHospitalSimulator({
        port: config.HOSPITAL_SIMULATOR_PORT,
        now: () => clock.now(),
        logger: logger.child({ component: 'hospital-simulator' }),
      });
      cleanups.push(() => simulator.stop());
      baseUrl = simulator.baseUrl;
      logger.info({ baseUrl }, 'hospital simulator started');
    }
    const hospital = new FhirHospitalSystem({
      baseUrl,
      timeoutMs: config.HOSPITAL_TIMEOUT_MS,
      retries: config.HOSPITAL_RETRIES,
      breaker: { failureThreshold: 5, halfOpenAfterMs: 10_000 },
      logger: logger.child({ component: 'fhir' }),
    });

    const models = await createDirectoryModels(db.connection);
    const directory = createDirectoryService({
      models,
      hospital,
      clock,
      logger: logger.child({ component: 'directory' }),
      staleAfterMs: config.DIRECTORY_STALE_AFTER_MS,
      firstSyncBudgetMs: firstSyncBudgetMs(config),
    });

    // Secrets first: a key file with the wrong mode stops the boot before WeChat is touched.
    const secrets = loadAuthSecrets(config);
    const wechat = await startWechat(config, clock, logger, cleanups);
    const authService = await createAuth(config, { connection: db.connection, clock, logger, wechat, secrets });

    const staffAuth = createStaffAuth({
      connection: db.connection,
      clock,
      logger: logger.child({ component: 'staff-auth' }),
      jwtSecret: secrets.jwtSecret,
      crypto: secrets.fieldCrypto,
    });
    if (config.HOSPITAL_FHIR_BASE_URL === undefined) {
      // Demo staff (README / DEMO-ACCOUNTS.md) belong to the simulated demo alliance only: never
      // seeded next to a real hospital. Idempotent; existing accounts are never overwritten.
      const seeded = await staffAuth.seedDemoStaff();
      logger.info({ accounts: seeded.length }, 'demo staff accounts ready');
    }

    const patients = createPatientsService({
      models: await createPatientModels(db.connection),
      crypto: secrets.fieldCrypto,
      hospital,
      clock,
      logger: logger.child({ component: 'patients' }),
      mpiIndexKey: config.HOSPITAL_MPI_INDEX_KEY,
      accounts: authService,
    });
    const consents = createConsentsService({
      models: await createConsentModels(db.connection),
      patients,
      clock,
      logger: logger.child({ component: 'consents' }),
    });
    const audit = createAuditService({ models: await createAuditModels(db.connection), clock, logger: logger.child({ component: 'audit' }) });
    const staffPatients = createStaffPatientsService({
      patients,
      consents,
      hospital,
      audit,
      clock,
      logger: logger.child({ component: 'staff-patients' }),
    });

    // Patient messages: listed in the app, sent as WeChat subscribe messages with consent.
    const notifications = createNotificationsService({
      models: await createNotificationModels(db.connection),
      wechat: createWechatDelivery({
        consents,
        accounts: authService,
        wechat: wechat.client,
        templateIds: subscribeTemplateIds(config.WECHAT_SUBSCRIBE_TEMPLATES),
        now: () => clock.now(),
        logger: logger.child({ component: 'notifications' }),
      }),
      clock,
      logger: logger.child({ component: 'notifications' }),
    });
    cleanups.push(() => notifications.idle());

    // Booking and payment: WeChat Pay (the embedded sandbox unless a merchant is configured; its
    // notifies and the cashier's return go to this BFF's URL, known once it listens).
    let appUrl = '';
    const pay = await createWechatPay(config, { now: () => clock.now(), logger, cleanups, appUrl: () => appUrl });
    const paySandbox = pay.sandbox;
    const booking = createBooking({
      models: await createBookingModels(db.connection),
      hospital,
      patients,
      directory,
      wechatPay: pay.wechatPay,
      accounts: authService,
      notifications,
      clock,
      logger: logger.child({ component: 'booking' }),
      settings: bookingSettingsFromConfig(config),
      staffBooking: { audit, mpiIndexKey: config.HOSPITAL_MPI_INDEX_KEY },
      ...(paySandbox ? { cashier: { urlFor: ({ prepayId, returnUrl }) => paySandbox.cashierUrl(prepayId, returnUrl) } } : {}),
      appUrl: () => appUrl,
    });
    cleanups.push(() => booking.idle());

    const app = createApp({
      config,
      logger,
      hospital,
      directory,
      auth: { service: authService, jwtSecret: secrets.jwtSecret },
      staffAuth,
      patients,
      consents,
      audit,
      staffPatients,
      booking,
      notifications,
      db,
      clock,
    });
    const server = http.createServer(app.callback());
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept queue: at a booking rush thousands of connections arrive in the same
      // instant; with Node's default of 511 the rest are dropped and retried a second later.
      server.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    cleanups.push(() => closeServer(server, options.drainTimeoutMs ?? 10_000));

    // The demo data live in the hospital simulator (seeded on start); the BFF's own store only
    // caches them, so the first sync is the only "seeding" needed. Started after listening.
    const job = startDirectorySyncJob({ directory, intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS, logger });
    cleanups.push(() => job.stop());

    const { port } = server.address() as AddressInfo;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    const url = `http://${host}:${port}`;
    appUrl = url;
    if (config.BOOKING_JOBS === 'on' && db.connection.db) {
      // Hold expiry, order queries, registration retries, refunds, releases, inventory, reconciliation.
      const jobs = await startAgendaJobs({ db: db.connection.db, jobs: bookingJobs(booking), logger: logger.child({ component: 'jobs' }) });
      cleanups.push(() => jobs.stop());
    }
    logger.info({ url }, 'CareLoop is running');

    let stopping: Promise<void> | undefined;
    return {
      url,
      stop: () => {
        stopping ??= cleanUp().then(() => logger.info('CareLoop stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** True when WeChat sign-in runs against the embedded sandbox (no AppID/AppSecret configured). */
export function wechatSandboxMode(config: Pick<Config, 'WECHAT_APPID' | 'WECHAT_SECRET'>): boolean {
  return config.WECHAT_APPID === undefined || config.WECHAT_SECRET === undefined;
}

/** The WeChat client: the real API, or the embedded sandbox started here (stopped by a cleanup). */
async function startWechat(
  config: Config,
  clock: Clock,
  logger: Logger,
  cleanups: Array<() => Promise<void>>,
): Promise<{ client: WechatClient; sandbox: boolean }> {
  if (!wechatSandboxMode(config)) {
    const client = new WechatClient({
      baseUrl: config.WECHAT_API_BASE_URL,
      appid: config.WECHAT_APPID as string,
      secret: config.WECHAT_SECRET as string,
      now: () => clock.now(),
    });
    return { client, sandbox: false };
  }
  const sandbox = await startWechatSandbox({
    port: config.WECHAT_SANDBOX_PORT,
    now: () => clock.now(),
    logger: logger.child({ component: 'wechat-sandbox' }),
  });
  cleanups.push(() => sandbox.stop());
  logger.info({ baseUrl: sandbox.baseUrl }, 'WeChat sandbox started');
  const client = new WechatClient({ baseUrl: sandbox.baseUrl, appid: sandbox.appid, secret: sandbox.secret, now: () => clock.now() });
  return { client, sandbox: true };
}

/** The auth service on a connection: models (with indexes), WeChat, keys, token lifetimes. */
async function createAuth(
  config: Config,
  deps: {
    connection: Parameters<typeof createAuthModels>[0];
    clock: Clock;
    logger: Logger;
    wechat: { client: WechatClient; sandbox: boolean };
    secrets: ReturnType<typeof loadAuthSecrets>;
  },
): Promise<AuthService> {
  return createAuthService({
    models: await createAuthModels(deps.connection),
    wechat: deps.wechat.client,
    crypto: deps.secrets.fieldCrypto,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'auth' }),
    jwtSecret: deps.secrets.jwtSecret,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    sandbox: deps.wechat.sandbox,
  });
}

/**
 * How long the first request on an empty cache waits for the sync: every attempt of the first
 * hospital call timing out, plus a second for the back-offs and the rest of the sync.
 */
export function firstSyncBudgetMs(config: Pick<Config, 'HOSPITAL_TIMEOUT_MS' | 'HOSPITAL_RETRIES'>): number {
  return config.HOSPITAL_TIMEOUT_MS * (config.HOSPITAL_RETRIES + 1) + 1_000;
}

/** Stops accepting, lets in-flight requests finish for up to `drainMs`, then cuts the rest. */
async function closeServer(server: http.Server, drainMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets become idle as their last response ends: close them as they do.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
    clearTimeout(deadline);
  }
}

/** The process entry: parse the env, boot, print the URL, stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const running = await startCareLoop(config);
  process.stdout.write(`CareLoop is running at ${running.url}\n`);
  let signalledAt: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalledAt !== undefined) {
      // Ctrl-C reaches us twice when a wrapper (scripts/start.mjs) forwards it too: only a
      // repeat well after the first means "stop waiting".
      if (Date.now() - signalledAt < 2_000) return;
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    signalledAt = Date.now();
    process.stderr.write(`${signal}: stopping CareLoop…\n`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  main().catch((error: unknown) => {
    process.stderr.write(`CareLoop failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
