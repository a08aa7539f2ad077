import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { bearerToken, signPatientAccessToken, UnauthenticatedError, verifyPatientAccessToken } from './auth.js';

const SECRET = 'unit-test-secret-unit-test-secret-0001';
const NOW = new Date('2026-11-25T01:10:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const ID = '6745a1b2c3d4e5f601234567';

/** The reason a token is refused, or 'ok:<id>'. */
function outcome(token: string, at: Date = NOW): string {
  try {
    return `ok:${verifyPatientAccessToken(token, SECRET, at).id}`;
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthenticatedError);
    return (error as UnauthenticatedError).reason;
  }
}

describe('verifyPatientAccessToken', () => {
  const good = signPatientAccessToken(ID, SECRET, NOW, 900);
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['a fresh token', good, NOW, `ok:${ID}`],
    ['the last second of its life', good, new Date(NOW.getTime() + 899_000), `ok:${ID}`],
    ['its expiry instant', good, new Date(NOW.getTime() + 900_000), 'expired'],
    ['a forged payload', `${header}.${b64({ typ: 'patient', sub: 'someone-else', iat: NOW_S, exp: NOW_S + 900 })}.${signature}`, NOW, 'invalid'],
    ['a cut signature', `${header}.${payload}.`, NOW, 'invalid'],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, NOW, 'invalid'],
    ['HS512 with the same secret', jwt.sign({ typ: 'patient', iat: NOW_S }, SECRET, { algorithm: 'HS512', subject: ID, expiresIn: 900 }), NOW, 'invalid'],
    ['another secret', signPatientAccessToken(ID, 'another-secret-another-secret-000000', NOW, 900), NOW, 'invalid'],
    ['a staff token', jwt.sign({ typ: 'staff', iat: NOW_S }, SECRET, { subject: ID, expiresIn: 900 }), NOW, 'invalid'],
    ['no subject', jwt.sign({ typ: 'patient', iat: NOW_S }, SECRET, { expiresIn: 900 }), NOW, 'invalid'],
    ['not a JWT', 'garbage', NOW, 'invalid'],
  ])('%s → %s', (_name, token, at, expected) => {
    expect(outcome(token, at)).toBe(expected);
  });

  it('signs HS256 with iat from the given clock and the given lifetime', () => {
    expect(jwt.decode(good, { complete: true })).toMatchObject({
      header: { alg: 'HS256', typ: 'JWT' },
      payload: { typ: 'patient', sub: ID, iat: NOW_S, exp: NOW_S + 900 },
    });
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
