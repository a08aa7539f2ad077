import { mkdtempSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FieldCrypto, loadMasterKey } from './field-crypto.js';

const key = Buffer.alloc(32, 7);

describe('FieldCrypto', () => {
  it('round-trips a value and never produces the same ciphertext twice', () => {
    const crypto = new FieldCrypto(key);
    const a = crypto.encrypt('110101199003071234', 'patient.idNumber');
    const b = crypto.encrypt('110101199003071234', 'patient.idNumber');
    expect(a).not.toBe(b);
    expect(a).not.toContain('1234');
    expect(a.split('.')[0]).toBe('v1');
    expect(crypto.decrypt(a, 'patient.idNumber')).toBe('110101199003071234');
  });

  it('refuses a tampered value or a value moved to another field', () => {
    const crypto = new FieldCrypto(key);
    const stored = crypto.encrypt('13812345678', 'patient.phone');
    const [v, iv, tag, body] = stored.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => crypto.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'), 'patient.phone')).toThrow();
    expect(() => crypto.decrypt(stored, 'patient.idNumber')).toThrow();
    expect(() => crypto.decrypt('plain text', 'patient.phone')).toThrow('not an encrypted field');
  });

  it('indexes deterministically per context and per key', () => {
    const crypto = new FieldCrypto(key);
    expect(crypto.blindIndex('13812345678', 'phone')).toBe(crypto.blindIndex('13812345678', 'phone'));
    expect(crypto.blindIndex('13812345678', 'phone')).not.toBe(crypto.blindIndex('13812345678', 'idNumber'));
    expect(new FieldCrypto(Buffer.alloc(32, 8)).blindIndex('13812345678', 'phone')).not.toBe(crypto.blindIndex('13812345678', 'phone'));
    expect(FieldCrypto.sameIndex('abc', 'abc')).toBe(true);
    expect(FieldCrypto.sameIndex('abc', 'abd')).toBe(false);
  });
});

describe('loadMasterKey', () => {
  it('generates a 0600 key file once and reads the same key afterwards', () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'cl-key-')), 'keys', 'field-encryption.key');
    const first = loadMasterKey({ keyFile });
    expect(first.length).toBe(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ keyFile }).equals(first)).toBe(true);
  });

  it('prefers the configured key and rejects bad ones', () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'cl-key-')), 'k');
    expect(loadMasterKey({ configuredKey: Buffer.alloc(32, 1).toString('base64'), keyFile }).equals(Buffer.alloc(32, 1))).toBe(true);
    expect(() => loadMasterKey({ configuredKey: 'c2hvcnQ=', keyFile })).toThrow('32 bytes');
    writeFileSync(keyFile, Buffer.alloc(32, 2).toString('base64'));
    chmodSync(keyFile, 0o644);
    expect(() => loadMasterKey({ keyFile })).toThrow('chmod 600');
  });
});
