import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Version tag of the ciphertext format, so keys and formats can rotate later. */
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encryption at rest of identity numbers, phones and `session_key` (PIPL sensitive personal
 * information): AES-256-GCM with a random 96-bit IV per value, stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), plus an HMAC-SHA256 blind index so a value can be
 * looked up and de-duplicated without decrypting anything. The encryption and index keys are
 * derived separately from one 32-byte master key, so knowing the index never helps decrypt.
 */
export class FieldCrypto {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the field-encryption master key must be 32 bytes');
    this.encKey = createHmac('sha256', masterKey).update('careloop/field-encryption/v1').digest();
    this.indexKey = createHmac('sha256', masterKey).update('careloop/blind-index/v1').digest();
  }

  /** Encrypts one value; `context` (e.g. `patient.idNumber`) is bound as associated data. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Decrypts a value made by `encrypt` with the same context; throws if it was tampered with. */
  decrypt(stored: string, context: string): string {
    const [format, iv, tag, body] = stored.split('.');
    if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('not an encrypted field');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== TAG_BYTES) throw new Error('not an encrypted field');
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * Deterministic keyed index of a value for equality lookups (`context` separates kinds, so the
   * same digits as an ID number and as a phone index differently). Normalise before indexing.
   */
  blindIndex(value: string, context: string): string {
    return createHmac('sha256', this.indexKey).update(`${context}\u0000${value}`, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of two blind indexes. */
  static sameIndex(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }
}

/**
 * The master key: from config (`FIELD_ENCRYPTION_KEY`, 32 bytes base64) in production, or — for
 * the embedded default — a key generated once into `<dataDir>/keys/field-encryption.key` with
 * mode 0600, so data survive restarts. Refuses a key file other users can read.
 */
export function loadMasterKey(options: { configuredKey?: string; keyFile: string }): Buffer {
  if (options.configuredKey) {
    const key = Buffer.from(options.configuredKey, 'base64');
    if (key.length !== 32) throw new Error('FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  if (existsSync(options.keyFile)) {
    if ((statSync(options.keyFile).mode & 0o077) !== 0) {
      throw new Error(`${options.keyFile} is readable by other users; run chmod 600 on it`);
    }
    const key = Buffer.from(readFileSync(options.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${options.keyFile} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(dirname(options.keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(options.keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(options.keyFile, 0o600);
  return key;
}
