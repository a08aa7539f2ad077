import { randomUUID } from 'node:crypto';
import { isStaffAdminRole, type StaffLoginRequest, type StaffRole } from '@careloop/shared/contracts/staff';
import type { Clock } from '../../clock.js';
import type { FieldCrypto } from '../../crypto/field-crypto.js';
import type { Logger } from '../../logging/logger.js';
import type { DemoStaffAccount } from './demo-accounts.js';
import { AccountLockedError, InvalidCredentialsError, StaffUnauthenticatedError, TotpRequiredError } from './errors.js';
import type { StaffAccountRecord, StaffAuthModels } from './model.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { signStaffToken, verifyStaffToken } from './token.js';
import { verifyTotp } from './totp.js';

/** Consecutive failures that lock an account. */
export const maxFailedLogins = 5;

/** How long a locked account stays locked. */
export const lockoutMs = 15 * 60_000;

/** Default session length: 30 minutes. */
export const defaultSessionTtlSeconds = 30 * 60;

/** How long a failure counter for an unknown username is kept after its last failure. */
const unknownFailureRetentionMs = 24 * 3_600_000;

/** The associated-data context the TOTP secret is encrypted under. */
export const totpSecretContext = 'staff.totpSecret';

/** Who a valid staff token belongs to (what `requireStaff` puts on `ctx.state.staff`). */
export interface AuthenticatedStaff {
  id: string;
  role: StaffRole;
  institutionId: string;
  /** The session (token `jti`) — logout revokes it. */
  sessionId: string;
}

/** A successful login. */
export interface StaffLoginResult {
  accessToken: string;
  expiresAt: Date;
  account: StaffAccountRecord;
}

/** Staff login, sessions and the demo accounts. */
export interface StaffAuthService {
  /** Checks password (and TOTP for admins), applies the lockout, opens a session. */
  login(request: StaffLoginRequest): Promise<StaffLoginResult>;
  /** Resolves a bearer token to the staff member; 401 when invalid, expired or revoked. */
  authenticate(token: string): Promise<AuthenticatedStaff>;
  /** Revokes a session (idempotent). */
  logout(sessionId: string): Promise<void>;
  /** The account behind a session; 401 if it no longer exists. */
  getAccount(staffId: string): Promise<StaffAccountRecord>;
  /** Creates the accounts that do not exist yet (by username); existing ones are left alone. */
  seed(accounts: readonly DemoStaffAccount[]): Promise<void>;
}

/** What the staff-auth service needs. */
export interface StaffAuthServiceDeps {
  models: StaffAuthModels;
  clock: Clock;
  logger: Logger;
  jwtSecret: string;
  sessionTtlSeconds: number;
  /** Encrypts TOTP secrets at rest. */
  crypto: FieldCrypto;
  /** Resolves when the models' indexes exist; every operation waits for it (default: ready). */
  ready?: Promise<void>;
}

/** Usernames are case-insensitive: stored and looked up in lower case. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Builds the staff-auth service. */
export function createStaffAuthService(deps: StaffAuthServiceDeps): StaffAuthService {
  const { models, clock, logger, crypto } = deps;
  const ready = deps.ready ?? Promise.resolve();

  /** Counts a failure; the fifth in a row locks the account and restarts the count. */
  async function recordFailure(account: StaffAccountRecord, now: Date, reason: 'password' | 'totp'): Promise<void> {
    const updated = await models.Account.findOneAndUpdate({ _id: account._id }, { $inc: { failedAttempts: 1 } }, { new: true }).lean();
    const attempts = updated?.failedAttempts ?? 0;
    if (attempts >= maxFailedLogins) {
      const lockedUntil = new Date(now.getTime() + lockoutMs);
      await models.Account.updateOne({ _id: account._id }, { $set: { failedAttempts: 0, lockedUntil } });
      logger.warn({ staffId: account._id, lockedUntil: lockedUntil.toISOString() }, 'staff account locked after repeated failed logins');
    } else {
      logger.info({ staffId: account._id, reason, attempts }, 'staff login failed');
    }
  }

  /** The same lockout for a username no account has, so the answers never tell them apart. */
  async function unknownUsername(username: string, now: Date): Promise<never> {
    const existing = await models.UnknownFailure.findById(username).lean();
    if (existing?.lockedUntil && existing.lockedUntil > now) throw new AccountLockedError(existing.lockedUntil);
    const expiresAt = new Date(now.getTime() + unknownFailureRetentionMs);
    const updated = await models.UnknownFailure.findOneAndUpdate(
      { _id: username },
      { $inc: { failedAttempts: 1 }, $set: { expiresAt } },
      { new: true, upsert: true },
    ).lean();
    if ((updated?.failedAttempts ?? 0) >= maxFailedLogins) {
      await models.UnknownFailure.updateOne({ _id: username }, { $set: { failedAttempts: 0, lockedUntil: new Date(now.getTime() + lockoutMs) } });
    }
    logger.info('staff login failed for an unknown username');
    throw new InvalidCredentialsError();
  }

  return {
    async login(request) {
      await ready;
      const username = normaliseUsername(request.username);
      const now = clock.now();
      const account = await models.Account.findOne({ username }).lean();
      if (!account) {
        // Burn the time a real verify takes so response time does not reveal existence.
        await verifyPassword(await dummyPasswordHash(), request.password);
        return unknownUsername(username, now);
      }
      if (account.lockedUntil && account.lockedUntil > now) {
        await verifyPassword(await dummyPasswordHash(), request.password);
        throw new AccountLockedError(account.lockedUntil);
      }
      if (!(await verifyPassword(account.passwordHash, request.password))) {
        await recordFailure(account, now, 'password');
        throw new InvalidCredentialsError();
      }

      let totpStep: number | null = null;
      if (isStaffAdminRole(account.role)) {
        // Not a failure: the password was right, the client just has to ask for the code.
        if (request.totp === undefined) throw new TotpRequiredError();
        if (!account.totpSecretEnc) {
          logger.error({ staffId: account._id }, 'admin account has no TOTP secret; it cannot log in');
          throw new InvalidCredentialsError();
        }
        const secret = crypto.decrypt(account.totpSecretEnc, totpSecretContext);
        totpStep = verifyTotp({ secret, token: request.totp, now, lastStep: account.totpLastStep });
        if (totpStep === null) {
          await recordFailure(account, now, 'totp');
          throw new InvalidCredentialsError();
        }
      }

      const success: Partial<StaffAccountRecord> = { failedAttempts: 0, lockedUntil: null, lastLoginAt: now };
      if (totpStep !== null) success.totpLastStep = totpStep;
      // The step condition makes two concurrent logins with one code race: only one wins.
      const filter =
        totpStep === null ? { _id: account._id } : { _id: account._id, $or: [{ totpLastStep: null }, { totpLastStep: { $lt: totpStep } }] };
      const { matchedCount } = await models.Account.updateOne(filter, { $set: success });
      if (matchedCount === 0) throw new InvalidCredentialsError();

      const sessionId = randomUUID();
      const expiresAt = new Date(now.getTime() + deps.sessionTtlSeconds * 1000);
      await models.Session.create({ _id: sessionId, staffId: account._id, createdAt: now, expiresAt, revokedAt: null });
      const accessToken = signStaffToken(
        { sub: account._id, jti: sessionId, typ: 'staff', role: account.role, inst: account.institutionId },
        { secret: deps.jwtSecret, now, ttlSeconds: deps.sessionTtlSeconds },
      );
      logger.info({ staffId: account._id, role: account.role, sessionId }, 'staff logged in');
      return { accessToken, expiresAt, account: { ...account, ...success } };
    },

    async authenticate(token) {
      await ready;
      const now = clock.now();
      const claims = verifyStaffToken(token, { secret: deps.jwtSecret, now });
      if (!claims) throw new StaffUnauthenticatedError();
      const session = await models.Session.findById(claims.jti).lean();
      if (!session || session.staffId !== claims.sub || session.revokedAt !== null || session.expiresAt <= now) {
        throw new StaffUnauthenticatedError();
      }
      return { id: claims.sub, role: claims.role, institutionId: claims.inst, sessionId: claims.jti };
    },

    async logout(sessionId) {
      await ready;
      await models.Session.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: clock.now() } });
    },

    async getAccount(staffId) {
      await ready;
      const account = await models.Account.findById(staffId).lean();
      if (!account) throw new StaffUnauthenticatedError();
      return account;
    },

    async seed(accounts) {
      await ready;
      const usernames = accounts.map((account) => normaliseUsername(account.username));
      const existing = new Set((await models.Account.find({ username: { $in: usernames } }, { username: 1 }).lean()).map((doc) => doc.username));
      const now = clock.now();
      for (const account of accounts) {
        const username = normaliseUsername(account.username);
        if (existing.has(username)) continue;
        const record: StaffAccountRecord = {
          _id: account.id,
          username,
          displayName: account.displayName,
          passwordHash: await hashPassword(account.password),
          role: account.role,
          institutionId: account.institutionId,
          totpSecretEnc: account.totpSecret ? crypto.encrypt(account.totpSecret, totpSecretContext) : null,
          totpLastStep: null,
          failedAttempts: 0,
          lockedUntil: null,
          createdAt: now,
          lastLoginAt: null,
        };
        // $setOnInsert: a concurrent seed (two instances booting) never overwrites an account.
        await models.Account.updateOne({ username }, { $setOnInsert: record }, { upsert: true });
      }
    },
  };
}
