import jwt from 'jsonwebtoken';
import { hmacKey } from './hmac-key.js';
import { AppError, type AppErrorOptions } from './errors.js';
import type { AppContext, AppMiddleware } from './state.js';

/**
 * Patient authentication of API requests: a Bearer access token (HS256 JWT, `typ: 'patient'`,
 * `sub` = account id) checked on every request without touching the database. The verifying
 * function is pure (token, secret, now in → account or error out) so the staff side can mirror
 * it with its own `typ`.
 */

/** The signed-in patient, as `requirePatient()` leaves it on `ctx.state.account`. */
export interface PatientPrincipal {
  id: string;
}

/** Why a token was refused; the message tells the patient what to do. */
export type UnauthenticatedReason = 'missing' | 'expired' | 'invalid';

/** 401: no valid access token. `details.reason` lets the app refresh only when it was `expired`. */
export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  readonly reason: UnauthenticatedReason;
  constructor(reason: UnauthenticatedReason, options?: Omit<AppErrorOptions, 'details'>) {
    super('unauthenticated', 401, reason === 'expired' ? '登录已过期，请重新登录' : '请先登录', { ...options, details: { reason } });
    this.reason = reason;
  }
}

/** The only algorithm accepted: a token claiming another (`none`, RS256 with our secret) is refused. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

/**
 * Signs a patient access token valid `ttlSeconds` from `now`. `iat` comes from `now` (not the
 * wall clock) so tests and the verifier agree on time.
 */
export function signPatientAccessToken(accountId: string, secret: string, now: Date, ttlSeconds: number): string {
  const iat = Math.floor(now.getTime() / 1000);
  return jwt.sign({ typ: 'patient', iat }, hmacKey(secret), { algorithm: ACCESS_TOKEN_ALGORITHM, subject: accountId, expiresIn: ttlSeconds });
}

/**
 * Verifies a patient access token at `now`: signature (HS256 only), expiry, `typ: 'patient'`, a
 * `sub`. Throws `UnauthenticatedError` (`expired` or `invalid`); never throws anything else.
 */
export function verifyPatientAccessToken(token: string, secret: string, now: Date): PatientPrincipal {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, hmacKey(secret), { algorithms: [ACCESS_TOKEN_ALGORITHM], clockTimestamp: Math.floor(now.getTime() / 1000) });
  } catch (cause) {
    if (cause instanceof jwt.TokenExpiredError) throw new UnauthenticatedError('expired', { cause });
    throw new UnauthenticatedError('invalid', { cause });
  }
  if (typeof payload !== 'object' || payload.typ !== 'patient' || typeof payload.sub !== 'string' || payload.sub === '') {
    throw new UnauthenticatedError('invalid');
  }
  return { id: payload.sub };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** What `requirePatient` needs. */
export interface PatientAuthOptions {
  /** The access-token secret (JWT_SECRET or the generated key). */
  secret: string;
  now: () => Date;
}

/**
 * Middleware: the request must carry a valid patient access token; puts `{ id }` on
 * `ctx.state.account` (read it with `patientOf(ctx)`), else 401 `unauthenticated`.
 */
export function requirePatient(options: PatientAuthOptions): AppMiddleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization') || undefined);
    if (token === undefined) throw new UnauthenticatedError('missing');
    (ctx.state as { account?: PatientPrincipal }).account = verifyPatientAccessToken(token, options.secret, options.now());
    await next();
  };
}

/** The patient `requirePatient()` authenticated (the one cast of koa's untyped state for it). */
export function patientOf(ctx: AppContext): PatientPrincipal {
  const account = (ctx.state as { account?: PatientPrincipal }).account;
  if (!account) throw new UnauthenticatedError('missing');
  return account;
}
