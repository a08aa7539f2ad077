import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The WeChat Pay v3 cryptography on `node:crypto` (see docs/decisions/0003): SHA256-with-RSA
 * (PKCS#1 v1.5) signatures over newline-terminated messages, and AEAD_AES_256_GCM with the
 * APIv3 key for notify resources. Pure functions; the client and the sandbox both build on them.
 */

/** The only `Authorization` scheme WeChat Pay v3 has. */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`: what a request's signature covers (URL = path + query, body '' for GET). */
export function requestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** `TIMESTAMP\nNONCE\nBODY\n`: what a response's or notify's signature covers. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** `appId\ntimeStamp\nnonceStr\npackage\n`: what `paySign` of `wx.requestPayment` covers. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
}

/** Base64 SHA256-with-RSA signature of `message` (UTF-8). */
export function signMessage(message: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64');
}

/** Whether `signature` (base64) is `message` signed by the key; false (never a throw) for garbage. */
export function verifyMessage(message: string, signature: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A random nonce of 32 upper-case hex characters (WeChat Pay allows up to 32). */
export function nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** Unix seconds of an instant, as WeChat Pay's string timestamps. */
export function unixSeconds(instant: Date): string {
  return String(Math.floor(instant.getTime() / 1000));
}

/** The `Authorization` header of a v3 request. */
export function authorizationHeader(fields: { mchid: string; nonce: string; signature: string; timestamp: string; serialNo: string }): string {
  return (
    `${AUTH_SCHEME} mchid="${fields.mchid}",nonce_str="${fields.nonce}",signature="${fields.signature}",` +
    `timestamp="${fields.timestamp}",serial_no="${fields.serialNo}"`
  );
}

/** The fields of an `Authorization` header, or null when it is not a v3 one. */
export function parseAuthorization(header: string | undefined): Record<'mchid' | 'nonce_str' | 'signature' | 'timestamp' | 'serial_no', string> | null {
  if (header === undefined || !header.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  for (const match of header.slice(AUTH_SCHEME.length + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) fields[match[1]!] = match[2]!;
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

/** The 32-byte AES key from the APIv3 key (32 ASCII characters); throws on any other length. */
export function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('the APIv3 key must be 32 bytes');
  return key;
}

/** An encrypted notify resource as WeChat Pay sends it. */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type: string;
}

/** AEAD_AES_256_GCM: base64(ciphertext ‖ 16-byte tag) with the nonce and associated data as UTF-8. */
export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string, resourceNonce: string): string {
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(resourceNonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

/** Decrypts a resource; throws when the key, nonce, associated data or ciphertext do not fit together. */
export function decryptResource(ciphertext: string, apiV3Key: string, associatedData: string, resourceNonce: string): string {
  const data = Buffer.from(ciphertext, 'base64');
  if (data.length <= 16) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(resourceNonce, 'utf8'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** A private key from PEM (PKCS#8 or PKCS#1), with an error that never echoes the PEM. */
export function privateKeyFromPem(pem: string, what: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new Error(`${what} is not a PEM private key`);
  }
}

/** A public key from PEM (SPKI public key or X.509 certificate). */
export function publicKeyFromPem(pem: string, what: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    throw new Error(`${what} is not a PEM public key or certificate`);
  }
}
