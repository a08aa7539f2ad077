import { createSecretKey, type KeyObject } from 'node:crypto';

const keys = new Map<string, KeyObject>();

/**
 * The HS256 key of a JWT secret, as a `KeyObject` made once per secret. Given a plain string,
 * jsonwebtoken first tries to parse it as a PEM public key on every sign and verify and only
 * then falls back to a secret key; that failed parse cost ~0.4 ms of CPU per request, which is
 * most of what a booking rush spends on authentication.
 */
export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
