import { z } from 'zod';
import type { WechatRefund, WechatTransaction } from './port.js';

/**
 * WeChat Pay's JSON shapes (snake_case, as on the wire) for what we read, and their mapping to the
 * port's types. Loose objects: WeChat Pay adds fields over time and that must not break us.
 */

const TradeStateSchema = z.enum(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']);

/** An order as the query API returns it and as the decrypted `transaction` resource of a notify. */
export const TransactionWireSchema = z.looseObject({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  out_trade_no: z.string().min(1),
  transaction_id: z.string().optional(),
  trade_state: TradeStateSchema,
  success_time: z.string().optional(),
  attach: z.string().optional(),
  payer: z.looseObject({ openid: z.string().optional() }).optional(),
  amount: z.looseObject({ total: z.number().int().nonnegative() }),
});

/** A refund as the refund APIs return it and as the decrypted `refund` resource of a notify (field `status` vs `refund_status`). */
export const RefundWireSchema = z.looseObject({
  mchid: z.string().optional(),
  out_trade_no: z.string().min(1),
  out_refund_no: z.string().min(1),
  refund_id: z.string().optional(),
  status: z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']).optional(),
  refund_status: z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']).optional(),
  success_time: z.string().optional(),
  amount: z.looseObject({ refund: z.number().int().nonnegative(), total: z.number().int().nonnegative() }),
});

/** `{ prepay_id }` of a JSAPI order. */
export const PrepayWireSchema = z.looseObject({ prepay_id: z.string().min(1) });

/** `{ hash_type, hash_value, download_url }` of a bill request. */
export const BillWireSchema = z.looseObject({
  hash_type: z.string(),
  hash_value: z.string().min(1),
  download_url: z.string().min(1),
});

/** WeChat Pay's error body. */
export const ErrorWireSchema = z.looseObject({ code: z.string(), message: z.string().optional() });

/** Wire order → port type (empty strings WeChat Pay uses for "none" become absent). */
export function toTransaction(wire: z.infer<typeof TransactionWireSchema>): WechatTransaction {
  const transaction: WechatTransaction = {
    appid: wire.appid,
    mchid: wire.mchid,
    outTradeNo: wire.out_trade_no,
    tradeState: wire.trade_state,
    amountTotal: wire.amount.total,
  };
  if (wire.transaction_id) transaction.transactionId = wire.transaction_id;
  if (wire.payer?.openid) transaction.payerOpenid = wire.payer.openid;
  if (wire.success_time) transaction.successTime = wire.success_time;
  if (wire.attach) transaction.attach = wire.attach;
  return transaction;
}

/** Wire refund → port type; null when it has no status at all. */
export function toRefund(wire: z.infer<typeof RefundWireSchema>): WechatRefund | null {
  const status = wire.status ?? wire.refund_status;
  if (status === undefined) return null;
  const refund: WechatRefund = {
    outTradeNo: wire.out_trade_no,
    outRefundNo: wire.out_refund_no,
    status,
    refund: wire.amount.refund,
    total: wire.amount.total,
  };
  if (wire.refund_id) refund.refundId = wire.refund_id;
  if (wire.success_time) refund.successTime = wire.success_time;
  return refund;
}
