/**
 * Failures of WeChat Pay v3, each with a stable snake_case `code` callers branch on. WeChat Pay's
 * own error codes (`ORDERPAID`, `NOT_ENOUGH`, …) are mapped to ours and kept in `wechatCode`;
 * messages never carry keys, signatures, openids or request bodies.
 */

/** What went wrong, as callers need to tell it apart. */
export type WechatPayErrorCode =
  /** The order is unknown to WeChat Pay (`ORDER_NOT_EXIST`). */
  | 'order_not_exist'
  /** The order is already paid (`ORDERPAID`): it cannot be re-created or closed. */
  | 'order_paid'
  /** The order is closed (`ORDER_CLOSED`): create a new one with a new number. */
  | 'order_closed'
  /** The merchant's balance cannot cover the refund (`NOT_ENOUGH`); retry later with the same out_refund_no. */
  | 'not_enough'
  /** The order or refund the request refers to does not exist (`RESOURCE_NOT_EXISTS`). */
  | 'resource_not_exists'
  /** WeChat Pay refused the parameters (`INVALID_REQUEST`, `PARAM_ERROR`, e.g. an order number reused with other parameters). */
  | 'invalid_request'
  /** WeChat Pay refused our credentials or signature (`SIGN_ERROR`, `NO_AUTH`, `MCH_NOT_EXISTS`, `APPID_MCHID_NOT_MATCH`): configuration. */
  | 'rejected'
  /** Too many requests (`FREQUENCY_LIMITED`, HTTP 429) after our retries. */
  | 'frequency_limited'
  /** WeChat Pay failed (`SYSTEM_ERROR`, HTTP 5xx) after our retries; try again later. */
  | 'system_error'
  /** No answer within the time-out (after our retries). */
  | 'timeout'
  /** No connection, or the circuit is open after repeated failures. */
  | 'unavailable'
  /** A response without a valid WeChat Pay signature (unsigned, forged, unknown serial, stale): never trusted. */
  | 'invalid_response_signature'
  /** A signed response we cannot read (not JSON, fields missing, bill hash mismatch). */
  | 'bad_response'
  /** The trade bill of that date is still being generated (`STATEMENT_CREATING`); ask again later. */
  | 'statement_creating'
  /** A notify whose signature does not verify (missing headers, unknown serial, forged, tampered, timestamp off by more than 5 minutes). */
  | 'invalid_signature'
  /** A notify that is signed but unusable (cannot be decrypted, malformed, another appid/mchid, unknown event). */
  | 'invalid_notification';

/** Why a signature or notification was refused, for logs and tests (not for users). */
export type WechatPayRejection =
  | 'missing_headers'
  | 'unsupported_signature_type'
  | 'unknown_serial'
  | 'certificate_expired'
  | 'timestamp_out_of_window'
  | 'signature_mismatch'
  | 'malformed'
  | 'decrypt_failed'
  | 'appid_mismatch'
  | 'mchid_mismatch'
  | 'unknown_event';

/** Any failure of the WeChat Pay client or notify verification. */
export class WechatPayError extends Error {
  override readonly name = 'WechatPayError';
  constructor(
    readonly code: WechatPayErrorCode,
    message: string,
    readonly details: {
      /** HTTP status of WeChat Pay's answer, when there was one. */
      status?: number;
      /** WeChat Pay's own `code` (e.g. `ORDERPAID`). */
      wechatCode?: string;
      /** For signature and notification failures: which check failed. */
      reason?: WechatPayRejection;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get wechatCode(): string | undefined {
    return this.details.wechatCode;
  }

  get reason(): WechatPayRejection | undefined {
    return this.details.reason;
  }
}

/** True for errors from the WeChat Pay client. */
export function isWechatPayError(error: unknown): error is WechatPayError {
  return error instanceof WechatPayError;
}

/** WeChat Pay's error `code` → ours; unknown codes fall back on the HTTP status. */
export function codeForWechatError(status: number, wechatCode: string | undefined): WechatPayErrorCode {
  switch (wechatCode) {
    case 'ORDER_NOT_EXIST':
      return 'order_not_exist';
    case 'ORDERPAID':
      return 'order_paid';
    case 'ORDER_CLOSED':
      return 'order_closed';
    case 'NOT_ENOUGH':
      return 'not_enough';
    case 'RESOURCE_NOT_EXISTS':
      return 'resource_not_exists';
    case 'INVALID_REQUEST':
    case 'PARAM_ERROR':
    case 'OUT_TRADE_NO_USED':
      return 'invalid_request';
    case 'SIGN_ERROR':
    case 'NO_AUTH':
    case 'MCH_NOT_EXISTS':
    case 'APPID_MCHID_NOT_MATCH':
    case 'USER_ACCOUNT_ABNORMAL':
      return 'rejected';
    case 'FREQUENCY_LIMITED':
      return 'frequency_limited';
    case 'SYSTEM_ERROR':
    case 'BANK_ERROR':
      return 'system_error';
    case 'STATEMENT_CREATING':
      return 'statement_creating';
    default:
      if (status === 429) return 'frequency_limited';
      if (status >= 500) return 'system_error';
      if (status === 401 || status === 403) return 'rejected';
      if (status === 404) return 'resource_not_exists';
      return 'invalid_request';
  }
}
