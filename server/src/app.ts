import Koa from 'koa';
import { Router } from '@koa/router';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { DatabaseHealth } from './db/mongoose.js';
import { auditRoutes } from './features/audit/routes.js';
import type { AuditService } from './features/audit/service.js';
import { authRoutes } from './features/auth/routes.js';
import { bookingRoutes, bookingStaffRoutes, type BookingService } from './features/booking/index.js';
import type { AuthService } from './features/auth/service.js';
import { consentRoutes } from './features/consents/routes.js';
import type { ConsentsService } from './features/consents/service.js';
import { directoryRoutes } from './features/directory/routes.js';
import { notificationRoutes } from './features/notifications/routes.js';
import type { NotificationsService } from './features/notifications/service.js';
import type { DirectoryService } from './features/directory/service.js';
import { patientRoutes } from './features/patients/routes.js';
import type { PatientsService } from './features/patients/service.js';
import type { StaffAuth } from './features/staff-auth/index.js';
import { staffPatientRoutes } from './features/staff-patients/routes.js';
import type { StaffPatientsService } from './features/staff-patients/service.js';
import { jsonBody } from './http/body-parser.js';
import { errorMiddleware } from './http/error-middleware.js';
import { healthRoutes } from './http/health.js';
import { requestId } from './http/request-id.js';
import { requestLogger } from './http/request-logger.js';
import { securityHeaders } from './http/security-headers.js';
import type { AppState } from './http/state.js';
import { staticFiles } from './http/static-files.js';
import type { HospitalSystem } from './integrations/hospital/port.js';
import type { Logger } from './logging/logger.js';

/** Where the versioned API lives. */
export const apiPrefix = '/api/v1';

/** Everything the app needs, built by main (or a test) and passed in: no globals. */
export interface AppDeps {
  config: Pick<Config, 'BODY_LIMIT' | 'NODE_ENV' | 'HOSPITAL_TIMEOUT_MS' | 'h5Dir'>;
  logger: Logger;
  hospital: HospitalSystem;
  directory: DirectoryService;
  /** Patient sign-in, and the secret access tokens are verified with. */
  auth: { service: AuthService; jwtSecret: string };
  /** Staff sign-in (password + TOTP for admins); its routes are mounted under `/api/v1/staff/auth`. */
  staffAuth?: Pick<StaffAuth, 'routes'> & Partial<Pick<StaffAuth, 'requireStaff'>>;
  /** The audit log (`GET /api/v1/staff/audit`); mounted with staff auth. */
  audit?: AuditService;
  /** Staff access to patient data (`/api/v1/staff/patients/:id[/export]`); mounted with staff auth. */
  staffPatients?: StaffPatientsService;
  /** The account's patients (就诊人) and consents, behind `requirePatient()`. */
  patients: PatientsService;
  consents: ConsentsService;
  /** Booking and payment (slots, appointments, WeChat Pay notify, waitlist); staff routes with staff auth. */
  booking?: BookingService;
  /** The account's messages (`/api/v1/notifications`), behind `requirePatient()`. */
  notifications?: NotificationsService;
  db: { ping(timeoutMs?: number): Promise<DatabaseHealth> };
  clock: Clock;
}

/**
 * Builds the Koa app: request id → request log → security headers → error rendering → JSON
 * body → `/healthz` → `/api/v1/*` → the H5 app at `/`. Tests build their own with their own deps.
 */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { config, logger } = deps;
  const app = new Koa<AppState>();

  const api = new Router<AppState>({ prefix: apiPrefix });
  const directory = directoryRoutes(deps.directory);
  api.use(directory.routes());
  const auth = authRoutes(deps.auth.service, { jwtSecret: deps.auth.jwtSecret, now: () => deps.clock.now() });
  api.use(auth.routes());
  const patientAuth = { jwtSecret: deps.auth.jwtSecret, now: () => deps.clock.now() };
  api.use(patientRoutes(deps.patients, patientAuth).routes());
  api.use(consentRoutes(deps.consents, patientAuth).routes());
  if (deps.staffAuth) api.use(deps.staffAuth.routes.routes());
  const requireStaff = deps.staffAuth?.requireStaff;
  if (requireStaff && deps.audit) api.use(auditRoutes(deps.audit, requireStaff).routes());
  if (requireStaff && deps.staffPatients) api.use(staffPatientRoutes(deps.staffPatients, requireStaff).routes());
  if (deps.booking) api.use(bookingRoutes(deps.booking, patientAuth).routes());
  if (deps.notifications) api.use(notificationRoutes(deps.notifications, patientAuth).routes());
  if (requireStaff && deps.booking) api.use(bookingStaffRoutes(deps.booking, requireStaff).routes());

  const health = healthRoutes({ db: deps.db, hospital: deps.hospital, timeoutMs: Math.min(config.HOSPITAL_TIMEOUT_MS, 2_000) });

  app.use(requestId(logger));
  app.use(requestLogger());
  app.use(securityHeaders({ hsts: config.NODE_ENV === 'production' }));
  app.use(errorMiddleware({ bodyLimit: config.BODY_LIMIT }));
  app.use(jsonBody({ limit: config.BODY_LIMIT }));
  app.use(health.routes());
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  app.use(staticFiles({ root: config.h5Dir, exclude: ['/api', '/healthz'] }));

  // Errors after the response started (a broken file stream) never reach the error middleware.
  app.on('error', (error: unknown) => logger.error({ err: error }, 'response error'));
  return app;
}
