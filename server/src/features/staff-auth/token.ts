import jwt from 'jsonwebtoken';
import { StaffRoleSchema, type StaffRole } from '@careloop/shared/contracts/staff';
import { hmacKey } from '../../http/hmac-key.js';

/** The `typ` claim of a staff token; patient tokens carry another one and are refused here. */
export const staffTokenType = 'staff';

/** What a staff access token says. */
export interface StaffTokenClaims {
  /** Staff account id. */
  sub: string;
  /** Session id (`staff_sessions._id`), so logout can revoke the token. */
  jti: string;
  typ: typeof staffTokenType;
  role: StaffRole;
  /** Institution scope (`alliance` for an alliance admin). */
  inst: string;
}

/** Signs a staff token (HS256) issued at `now`, valid for `ttlSeconds`. */
export function signStaffToken(claims: StaffTokenClaims, options: { secret: string; now: Date; ttlSeconds: number }): string {
  const iat = Math.floor(options.now.getTime() / 1000);
  const { sub, jti, ...rest } = claims;
  return jwt.sign({ ...rest, iat, exp: iat + options.ttlSeconds }, hmacKey(options.secret), { algorithm: 'HS256', subject: sub, jwtid: jti });
}

/**
 * Verifies signature (HS256 only), expiry at `now` and the staff claims; null for anything
 * else — a tampered, expired or patient token, or garbage — so callers answer one 401.
 */
export function verifyStaffToken(token: string, options: { secret: string; now: Date }): StaffTokenClaims | null {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, hmacKey(options.secret), { algorithms: ['HS256'], clockTimestamp: Math.floor(options.now.getTime() / 1000) });
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload.typ !== staffTokenType) return null;
  const role = StaffRoleSchema.safeParse(payload.role);
  if (!role.success || typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.inst !== 'string') return null;
  return { sub: payload.sub, jti: payload.jti, typ: staffTokenType, role: role.data, inst: payload.inst };
}
