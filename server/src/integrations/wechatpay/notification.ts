import { z } from 'zod';
import { WechatPayError, type WechatPayRejection } from './errors.js';
import type { WechatPayNotification, WechatPayNotifyRequest } from './port.js';
import { AUTH_SCHEME, decryptResource, responseMessage, verifyMessage } from './signing.js';
import type { WechatPayVerifiers } from './verifiers.js';
import { RefundWireSchema, toRefund, toTransaction, TransactionWireSchema } from './wire-schemas.js';

/**
 * Verification of WeChat Pay's signed answers and notifies, shared by responses (client) and
 * notifies (`verifyNotification`): the `Wechatpay-*` headers, the key for the serial, the
 * timestamp window against replays, then the signature over `TIMESTAMP\nNONCE\nBODY\n`.
 */

/** How far a WeChat Pay timestamp may be from our clock (WeChat Pay's own rule: 5 minutes). */
export const TIMESTAMP_WINDOW_MS = 5 * 60_000;

/** The signature headers (lower-case names, as node delivers them). */
export interface SignatureHeaders {
  'wechatpay-timestamp'?: string | undefined;
  'wechatpay-nonce'?: string | undefined;
  'wechatpay-signature'?: string | undefined;
  'wechatpay-serial'?: string | undefined;
  'wechatpay-signature-type'?: string | undefined;
}

/** Why a signature check failed, or ok. */
export type SignatureCheck = { ok: true } | { ok: false; reason: WechatPayRejection };

/** Checks WeChat Pay's signature over `body` (the raw text, exactly as received). */
export function checkSignature(headers: SignatureHeaders, body: string, verifiers: WechatPayVerifiers, now: Date): SignatureCheck {
  const timestamp = headers['wechatpay-timestamp'];
  const nonce = headers['wechatpay-nonce'];
  const signature = headers['wechatpay-signature'];
  const serial = headers['wechatpay-serial'];
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'missing_headers' };
  const type = headers['wechatpay-signature-type'];
  if (type !== undefined && type !== AUTH_SCHEME) return { ok: false, reason: 'unsupported_signature_type' };
  const lookup = verifiers.lookup(serial, now);
  if (!lookup.ok) return { ok: false, reason: lookup.reason };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() - Number(timestamp) * 1000) > TIMESTAMP_WINDOW_MS) {
    return { ok: false, reason: 'timestamp_out_of_window' };
  }
  if (!verifyMessage(responseMessage(timestamp, nonce, body), signature, lookup.key)) return { ok: false, reason: 'signature_mismatch' };
  return { ok: true };
}

const NotifySchema = z.looseObject({
  id: z.string().min(1),
  event_type: z.string().min(1),
  resource_type: z.string().optional(),
  resource: z.looseObject({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1),
    associated_data: z.string().default(''),
    nonce: z.string().min(1),
    original_type: z.string().optional(),
  }),
});

const REASON_TEXT: Record<WechatPayRejection, string> = {
  missing_headers: 'the Wechatpay-Timestamp/Nonce/Signature/Serial headers are missing',
  unsupported_signature_type: 'the signature type is not WECHATPAY2-SHA256-RSA2048',
  unknown_serial: 'the Wechatpay-Serial is neither a configured platform certificate nor the WeChat Pay public key',
  certificate_expired: 'the platform certificate of that serial is not valid now',
  timestamp_out_of_window: 'the Wechatpay-Timestamp is more than 5 minutes from our clock',
  signature_mismatch: 'the signature does not match the body',
  malformed: 'the body is not a WeChat Pay notification',
  decrypt_failed: 'the resource cannot be decrypted with our APIv3 key',
  appid_mismatch: 'the notification is for another AppID',
  mchid_mismatch: 'the notification is for another merchant',
  unknown_event: 'the notification carries a resource we do not handle',
};

/** The notify error for a failed check, with a message that names the check (never the body). */
export function rejection(code: 'invalid_signature' | 'invalid_notification' | 'invalid_response_signature', reason: WechatPayRejection): WechatPayError {
  return new WechatPayError(code, `WeChat Pay ${code === 'invalid_response_signature' ? 'response' : 'notification'} refused: ${REASON_TEXT[reason]}`, { reason });
}

/** Verifies, decrypts and checks one notify; see `WechatPay.verifyNotification`. */
export function verifyNotify(
  request: WechatPayNotifyRequest,
  context: { verifiers: WechatPayVerifiers; apiV3Key: string; appid: string; mchid: string; now: Date },
): WechatPayNotification {
  const check = checkSignature(request.headers, request.rawBody, context.verifiers, context.now);
  if (!check.ok) throw rejection('invalid_signature', check.reason);

  let parsed: z.infer<typeof NotifySchema>;
  try {
    const result = NotifySchema.safeParse(JSON.parse(request.rawBody));
    if (!result.success) throw rejection('invalid_notification', 'malformed');
    parsed = result.data;
  } catch (error) {
    if (error instanceof WechatPayError) throw error;
    throw rejection('invalid_notification', 'malformed');
  }

  let plaintext: string;
  try {
    const { ciphertext, associated_data: associatedData, nonce } = parsed.resource;
    plaintext = decryptResource(ciphertext, context.apiV3Key, associatedData, nonce);
  } catch {
    throw rejection('invalid_notification', 'decrypt_failed');
  }
  let resource: unknown;
  try {
    resource = JSON.parse(plaintext);
  } catch {
    throw rejection('invalid_notification', 'malformed');
  }

  const originalType = parsed.resource.original_type;
  if (parsed.event_type.startsWith('TRANSACTION.') || originalType === 'transaction') {
    const wire = TransactionWireSchema.safeParse(resource);
    if (!wire.success) throw rejection('invalid_notification', 'malformed');
    if (wire.data.appid !== context.appid) throw rejection('invalid_notification', 'appid_mismatch');
    if (wire.data.mchid !== context.mchid) throw rejection('invalid_notification', 'mchid_mismatch');
    return { id: parsed.id, eventType: parsed.event_type, kind: 'transaction', transaction: toTransaction(wire.data) };
  }
  if (parsed.event_type.startsWith('REFUND.') || originalType === 'refund') {
    const wire = RefundWireSchema.safeParse(resource);
    const refund = wire.success ? toRefund(wire.data) : null;
    if (!wire.success || refund === null) throw rejection('invalid_notification', 'malformed');
    // A refund resource carries the merchant but no AppID.
    if (wire.data.mchid !== context.mchid) throw rejection('invalid_notification', 'mchid_mismatch');
    return { id: parsed.id, eventType: parsed.event_type, kind: 'refund', refund };
  }
  throw rejection('invalid_notification', 'unknown_event');
}
