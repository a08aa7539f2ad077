import { X509Certificate, type KeyObject } from 'node:crypto';
import { publicKeyFromPem } from './signing.js';

/**
 * The keys WeChat Pay signs with, looked up by the `Wechatpay-Serial` header: a platform
 * certificate's serial number (merchants from before 2024-11, certificates expire and rotate) or
 * the ID of the WeChat Pay public key (`PUB_KEY_ID_…`, newer merchants and migrations). Both may be
 * configured during a migration; a serial we were not given is never trusted.
 */

/** What the client is told to trust. */
export interface WechatPayVerifierOptions {
  /** Platform certificates (PEM X.509) with their serial numbers. */
  certificates?: Array<{ serialNo: string; pem: string }>;
  /** The WeChat Pay public key (PEM SPKI) and its ID `PUB_KEY_ID_…`. */
  publicKey?: { id: string; pem: string };
}

/** A key found for a serial, or why none may be used. */
export type VerifierLookup =
  | { ok: true; key: KeyObject }
  | { ok: false; reason: 'unknown_serial' | 'certificate_expired' };

/** The serial → key table, checked once at construction. */
export class WechatPayVerifiers {
  private readonly certificates = new Map<string, { key: KeyObject; validFrom: number; validTo: number }>();
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(options: WechatPayVerifierOptions) {
    for (const { serialNo, pem } of options.certificates ?? []) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(pem);
      } catch {
        throw new Error(`the platform certificate ${serialNo} is not a PEM X.509 certificate`);
      }
      // A serial typed by hand that differs from the certificate's would make every notify fail.
      if (normalizeSerial(certificate.serialNumber) !== normalizeSerial(serialNo)) {
        throw new Error(`the platform certificate's serial number is ${certificate.serialNumber}, not ${serialNo}`);
      }
      this.certificates.set(normalizeSerial(serialNo), {
        key: certificate.publicKey,
        validFrom: Date.parse(certificate.validFrom),
        validTo: Date.parse(certificate.validTo),
      });
    }
    if (options.publicKey) {
      if (!/^PUB_KEY_ID_\w+$/.test(options.publicKey.id)) throw new Error('the WeChat Pay public key ID must look like PUB_KEY_ID_…');
      this.publicKeys.set(options.publicKey.id, publicKeyFromPem(options.publicKey.pem, 'the WeChat Pay public key'));
    }
    if (this.certificates.size === 0 && this.publicKeys.size === 0) {
      throw new Error('WeChat Pay needs a platform certificate or the WeChat Pay public key to verify its signatures');
    }
  }

  /** The ID of the WeChat Pay public key, when configured (sent as `Wechatpay-Serial` so WeChat Pay signs with it). */
  get publicKeyId(): string | undefined {
    return this.publicKeys.keys().next().value;
  }

  /** The key for a `Wechatpay-Serial` value at `now`. */
  lookup(serial: string, now: Date): VerifierLookup {
    if (serial.startsWith('PUB_KEY_ID_')) {
      const key = this.publicKeys.get(serial);
      return key ? { ok: true, key } : { ok: false, reason: 'unknown_serial' };
    }
    const certificate = this.certificates.get(normalizeSerial(serial));
    if (!certificate) return { ok: false, reason: 'unknown_serial' };
    const at = now.getTime();
    if (at < certificate.validFrom || at > certificate.validTo) return { ok: false, reason: 'certificate_expired' };
    return { ok: true, key: certificate.key };
  }
}

/** Certificate serials are hex; compare them case-insensitively and without leading zeros. */
function normalizeSerial(serial: string): string {
  return serial.trim().toUpperCase().replace(/^0+(?=.)/, '');
}
