import { createHmac } from 'node:crypto';
import type { Router } from '@koa/router';
import type { Connection } from 'mongoose';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import type { Clock } from '../../clock.js';
import { FieldCrypto } from '../../crypto/field-crypto.js';
import type { AppMiddleware, AppState } from '../../http/state.js';
import type { Logger } from '../../logging/logger.js';
import { demoStaffAccounts, type DemoStaffAccount } from './demo-accounts.js';
import { registerStaffAuthModels } from './model.js';
import { requireStaffMiddleware } from './require-staff.js';
import { staffAuthRoutes } from './routes.js';
import { createStaffAuthService, defaultSessionTtlSeconds, type StaffAuthService } from './service.js';

export type { AuthenticatedStaff } from './service.js';
export type { StaffState } from './require-staff.js';
export { staffOf } from './require-staff.js';
export { demoStaffAccounts, demoStaffPassword } from './demo-accounts.js';

/** What staff auth needs from main (or a test). */
export interface StaffAuthDeps {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  /** HS256 key of staff tokens. */
  jwtSecret: string;
  /** Session (and token) lifetime; default 30 minutes. */
  sessionTtlSeconds?: number;
  /**
   * Encrypts TOTP secrets at rest (context `staff.totpSecret`). Pass the app's FieldCrypto;
   * without one a key is derived from `jwtSecret` so a secret is never stored in plaintext
   * (rotating the JWT secret then invalidates enrolled authenticators — pass one in production).
   */
  crypto?: FieldCrypto;
}

/** A seeded demo account, with the password and TOTP secret a tester needs. */
export type SeededStaff = DemoStaffAccount;

/** Staff auth, ready to mount. */
export interface StaffAuth {
  /** `POST /staff/auth/login`, `POST /staff/auth/logout`, `GET /staff/auth/me`; mount under `/api/v1`. */
  routes: Router<AppState>;
  /** Guard for staff routes: staff bearer token → `ctx.state.staff` (401), role check (403). */
  requireStaff(roles?: readonly StaffRole[]): AppMiddleware;
  /** Creates the demo alliance's staff accounts that are missing (idempotent); lists them all. */
  seedDemoStaff(): Promise<SeededStaff[]>;
  /** The service, for other features and tests. */
  service: StaffAuthService;
}

/**
 * Staff identity: password (argon2id) + TOTP for admins, per-account lockout, 30-minute JWT
 * sessions recorded in `staff_sessions` so logout revokes them. Registers its models on the
 * connection and builds their indexes in the background; every request waits for them.
 */
export function createStaffAuth(deps: StaffAuthDeps): StaffAuth {
  const { indexesBuilt, ...models } = registerStaffAuthModels(deps.connection);
  const crypto = deps.crypto ?? new FieldCrypto(createHmac('sha256', deps.jwtSecret).update('careloop/staff-totp-key/v1').digest());
  const service = createStaffAuthService({
    models,
    clock: deps.clock,
    logger: deps.logger,
    jwtSecret: deps.jwtSecret,
    sessionTtlSeconds: deps.sessionTtlSeconds ?? defaultSessionTtlSeconds,
    crypto,
    ready: indexesBuilt,
  });
  const requireStaff = (roles?: readonly StaffRole[]) => requireStaffMiddleware(service, roles);
  return {
    routes: staffAuthRoutes(service, requireStaff),
    requireStaff,
    async seedDemoStaff() {
      await service.seed(demoStaffAccounts);
      return demoStaffAccounts.map((account) => ({ ...account }));
    },
    service,
  };
}
