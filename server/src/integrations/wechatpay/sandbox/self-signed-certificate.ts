import { randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * A self-signed X.509 v3 certificate (SHA256-with-RSA) for the sandbox's platform key, so the
 * client's certificate mode verifies against a real certificate exactly as with WeChat Pay's
 * platform certificates. `node:crypto` parses certificates but cannot make them, hence this
 * minimal DER writer: only what a certificate needs, no extensions.
 */

/** DER length octets. */
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));

/** A non-negative INTEGER from big-endian bytes. */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const printableString = (text: string) => tlv(0x13, Buffer.from(text, 'ascii'));

/** UTCTime `YYMMDDHHMMSSZ` (valid for 1950–2049, enough for a sandbox). */
function utcTime(instant: Date): Buffer {
  return tlv(0x17, Buffer.from(`${instant.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`, 'ascii'));
}

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

/** A distinguished name C=CN, O=…, CN=…. */
function name(organization: string, commonName: string): Buffer {
  return sequence(
    set(sequence(oid('2.5.4.6'), printableString('CN'))),
    set(sequence(oid('2.5.4.10'), utf8String(organization))),
    set(sequence(oid('2.5.4.3'), utf8String(commonName))),
  );
}

/** A self-signed certificate and its serial number as WeChat Pay writes it (upper-case hex). */
export interface SelfSignedCertificate {
  pem: string;
  serialNo: string;
}

/** Makes a certificate for `publicKey`, signed by `privateKey` (its pair), valid over [notBefore, notAfter]. */
export function selfSignedCertificate(options: {
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  commonName: string;
  organization: string;
}): SelfSignedCertificate {
  // 20 random bytes like WeChat Pay's 40-hex-digit serials, top bit clear so the INTEGER stays positive.
  const serial = randomBytes(20);
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  const subject = name(options.organization, options.commonName);
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))), // [0] EXPLICIT version v3
    integer(serial),
    SHA256_WITH_RSA,
    subject, // issuer: self-signed
    sequence(utcTime(options.notBefore), utcTime(options.notAfter)),
    subject,
    options.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, options.privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  // Parse it back: proves the DER is well-formed and gives the serial in node's spelling.
  const parsed = new X509Certificate(pem);
  if (!parsed.verify(options.publicKey)) throw new Error('self-signed certificate does not verify');
  return { pem, serialNo: parsed.serialNumber.toUpperCase() };
}
