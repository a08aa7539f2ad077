import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { signStaffToken, verifyStaffToken, type StaffTokenClaims } from './token.js';

const secret = 'test-secret-of-enough-length-0123456789';
const now = new Date('2030-03-04T01:00:00Z');
const claims: StaffTokenClaims = { sub: 'staff-doctor-core', jti: 'session-1', typ: 'staff', role: 'doctor', inst: 'org-core' };
const iat = now.getTime() / 1000;

describe('staff tokens', () => {
  it('round-trips the claims until the expiry second', () => {
    const token = signStaffToken(claims, { secret, now, ttlSeconds: 1800 });
    expect(verifyStaffToken(token, { secret, now: new Date(now.getTime() + 1_799_999) })).toEqual(claims);
    expect(verifyStaffToken(token, { secret, now: new Date(now.getTime() + 1_800_000) })).toBeNull();
  });

  it.each([
    ['another key', jwt.sign({ ...claims, iat, exp: iat + 60 }, 'another-secret')],
    ['alg none', jwt.sign({ ...claims, iat, exp: iat + 60 }, null, { algorithm: 'none' })],
    ['HS512', jwt.sign({ ...claims, iat, exp: iat + 60 }, secret, { algorithm: 'HS512' })],
    ['a patient typ', jwt.sign({ ...claims, typ: 'patient', iat, exp: iat + 60 }, secret)],
    ['an unknown role', jwt.sign({ ...claims, role: 'superuser', iat, exp: iat + 60 }, secret)],
    ['no jti', jwt.sign({ sub: claims.sub, typ: 'staff', role: 'doctor', inst: 'org-core', iat, exp: iat + 60 }, secret)],
    ['garbage', 'not.a.token'],
  ])('refuses %s', (_name, token) => {
    expect(verifyStaffToken(token, { secret, now })).toBeNull();
  });
});
