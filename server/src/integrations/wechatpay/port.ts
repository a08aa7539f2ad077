/**
 * What CareLoop needs from WeChat Pay v3 (JSAPI, 直连商户). Amounts are integer fen; instants
 * are ISO-8601 with offset (WeChat Pay uses `+08:00`). The real implementation talks to
 * https://api.mch.weixin.qq.com; the embedded default is the sandbox in `sandbox/`, which signs
 * exactly as WeChat Pay does, so the same client and verification code run in `npm start`.
 */

/** `trade_state` of an order as WeChat Pay reports it. */
export type WechatTradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

/** A JSAPI order to create. */
export interface CreateJsapiOrder {
  /** Our order number: 6–32 chars of [0-9A-Za-z_-*], unique per merchant. */
  outTradeNo: string;
  description: string;
  /** Total in fen. */
  amount: number;
  /** The payer's openid under our AppID. */
  payerOpenid: string;
  /** The order cannot be paid after this instant (our `payBy`). */
  timeExpire: string;
  /** Echoed back in the notify. */
  attach?: string;
}

/** Parameters for `wx.requestPayment` / `Taro.requestPayment`, signed with the merchant key. */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=…` */
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** An order as queried or as carried by a payment notify (decrypted resource). */
export interface WechatTransaction {
  appid: string;
  mchid: string;
  outTradeNo: string;
  transactionId?: string;
  tradeState: WechatTradeState;
  /** Total in fen. */
  amountTotal: number;
  payerOpenid?: string;
  successTime?: string;
  attach?: string;
}

/** A refund request: `outRefundNo` is ours and stable, so a retry never refunds twice. */
export interface CreateRefund {
  outTradeNo: string;
  outRefundNo: string;
  /** Refund amount in fen. */
  refund: number;
  /** Original order total in fen. */
  total: number;
  reason?: string;
}

/** Refund state as WeChat Pay reports it. */
export type WechatRefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

/** A refund as created, queried, or carried by a refund notify. */
export interface WechatRefund {
  outTradeNo: string;
  outRefundNo: string;
  refundId?: string;
  status: WechatRefundStatus;
  /** Refund amount in fen. */
  refund: number;
  total: number;
  successTime?: string;
}

/** A verified, decrypted notification (`TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, …). */
export type WechatPayNotification =
  | { id: string; eventType: string; kind: 'transaction'; transaction: WechatTransaction }
  | { id: string; eventType: string; kind: 'refund'; refund: WechatRefund };

/** One line of the daily trade bill (交易账单), amounts in fen. */
export interface WechatBillLine {
  tradeTime: string;
  outTradeNo: string;
  transactionId: string;
  /** `SUCCESS` payment or `REFUND` line. */
  tradeState: 'SUCCESS' | 'REFUND';
  amount: number;
  outRefundNo?: string;
  refundAmount?: number;
}

/** The HTTP request of a notify, exactly as received (raw body: the signature covers it). */
export interface WechatPayNotifyRequest {
  headers: {
    'wechatpay-timestamp'?: string;
    'wechatpay-nonce'?: string;
    'wechatpay-signature'?: string;
    'wechatpay-serial'?: string;
    'wechatpay-signature-type'?: string;
  };
  rawBody: string;
}

/** The WeChat Pay operations CareLoop uses. Errors are `WechatPayError` (see errors.ts). */
export interface WechatPay {
  /** Our AppID and merchant id, checked against every notify and query. */
  readonly appid: string;
  readonly mchid: string;
  /** Creates (or, for the same `outTradeNo` and parameters, re-obtains) a JSAPI prepay order and signs the client parameters. */
  createJsapiOrder(order: CreateJsapiOrder): Promise<JsapiPayParams>;
  /** Queries an order by our number; null when WeChat Pay does not know it (ORDER_NOT_EXIST). */
  queryOrder(outTradeNo: string): Promise<WechatTransaction | null>;
  /** Closes an unpaid order (idempotent). */
  closeOrder(outTradeNo: string): Promise<void>;
  /** Requests a refund (idempotent on `outRefundNo`). */
  createRefund(refund: CreateRefund): Promise<WechatRefund>;
  /** Queries a refund; null when unknown. */
  queryRefund(outRefundNo: string): Promise<WechatRefund | null>;
  /** Downloads and parses the trade bill of a Shanghai date `YYYY-MM-DD`. */
  tradeBill(date: string): Promise<WechatBillLine[]>;
  /**
   * Verifies a notify's signature (platform certificate or WeChat Pay public key, by the
   * `Wechatpay-Serial` header), its timestamp (±5 minutes), decrypts the AES-256-GCM resource
   * with the APIv3 key and checks appid/mchid. Throws `WechatPayError` `invalid_signature` /
   * `invalid_notification` when anything is wrong.
   */
  verifyNotification(request: WechatPayNotifyRequest): Promise<WechatPayNotification>;
}
