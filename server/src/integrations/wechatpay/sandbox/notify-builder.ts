import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { WechatPayNotifyRequest } from '../port.js';
import { toWechatTime } from '../shanghai-time.js';
import { AUTH_SCHEME, encryptResource, nonce, responseMessage, signMessage, unixSeconds } from '../signing.js';

/**
 * Builds notify requests exactly as WeChat Pay sends them: the resource encrypted with the APIv3
 * key (AEAD_AES_256_GCM, associated data = the original type, 12-character nonce), the body
 * signed with the platform key, and the `Wechatpay-*` headers. The sandbox delivers these; tests
 * use them to make genuine and forged notifies for any payload.
 */

/** What a notify is about. */
export interface SandboxNotifyEvent {
  /** Defaults to a fresh `EV-…` id. */
  id?: string;
  /** e.g. `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`. */
  eventType: string;
  /** `transaction` or `refund` (also the AEAD associated data). */
  originalType: string;
  /** The plaintext resource (an object is JSON-encoded). */
  resource: Record<string, unknown> | string;
  /** Defaults to 支付成功 / 退款成功. */
  summary?: string;
}

/** Who signs: a private key and the serial it claims (`Wechatpay-Serial`). */
export interface NotifySigner {
  privateKey: KeyObject;
  serial: string;
}

/** A signed notify (lower-case header names, as node hands them to a server). */
export function buildNotifyRequest(event: SandboxNotifyEvent, options: { apiV3Key: string; signer: NotifySigner; at: Date }): WechatPayNotifyRequest {
  const plaintext = typeof event.resource === 'string' ? event.resource : JSON.stringify(event.resource);
  // WeChat Pay's nonces are 12 alphanumerics, used as the 96-bit GCM IV.
  const resourceNonce = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const associatedData = event.originalType;
  const body = {
    id: event.id ?? `EV-${randomUUID()}`,
    create_time: toWechatTime(options.at),
    resource_type: 'encrypt-resource',
    event_type: event.eventType,
    summary: event.summary ?? (event.eventType.startsWith('REFUND.') ? '退款成功' : '支付成功'),
    resource: {
      original_type: event.originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: encryptResource(plaintext, options.apiV3Key, associatedData, resourceNonce),
      associated_data: associatedData,
      nonce: resourceNonce,
    },
  };
  return signNotifyBody(JSON.stringify(body), options.signer, options.at);
}

/** Signs a raw body as a notify (for tests that need a body of their own making). */
export function signNotifyBody(rawBody: string, signer: NotifySigner, at: Date): WechatPayNotifyRequest {
  const timestamp = unixSeconds(at);
  const nonceStr = nonce();
  return {
    headers: {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonceStr,
      'wechatpay-signature': signMessage(responseMessage(timestamp, nonceStr, rawBody), signer.privateKey),
      'wechatpay-serial': signer.serial,
      'wechatpay-signature-type': AUTH_SCHEME,
    },
    rawBody,
  };
}

let wrongKey: KeyObject | undefined;

/** A private key that is nobody's platform key (made once per process: RSA generation is slow). */
export function forgerKey(): KeyObject {
  wrongKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return wrongKey;
}
