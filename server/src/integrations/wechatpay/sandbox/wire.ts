import type { SandboxOrder, SandboxRefund } from './ledger.js';

/** WeChat Pay's JSON for orders and refunds, as the query APIs and notify resources carry them. */

const TRADE_STATE_DESC: Record<string, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败',
};

/** An order as `GET …/out-trade-no/{no}` and the `transaction` notify resource show it. */
export function transactionWire(order: SandboxOrder): Record<string, unknown> {
  const paid = order.transactionId !== undefined;
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(paid ? { transaction_id: order.transactionId, trade_type: 'JSAPI', bank_type: 'OTHERS' } : {}),
    trade_state: order.state,
    trade_state_desc: TRADE_STATE_DESC[order.state] ?? order.state,
    attach: order.attach ?? '',
    ...(paid ? { success_time: order.successTime, payer: { openid: order.payerOpenid } } : {}),
    amount: paid
      ? { total: order.total, payer_total: order.total, currency: 'CNY', payer_currency: 'CNY' }
      : { total: order.total, currency: 'CNY', payer_currency: 'CNY' },
  };
}

/** A refund as the refund APIs return it. */
export function refundWire(refund: SandboxRefund): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successTime ? { success_time: refund.successTime } : {}),
    create_time: refund.createTime,
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}

/** A refund as the `refund` notify resource carries it (with `mchid` and `refund_status`, no AppID). */
export function refundNotifyWire(refund: SandboxRefund, mchid: string): Record<string, unknown> {
  return {
    mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.successTime ? { success_time: refund.successTime } : {}),
    user_received_account: '支付用户零钱',
    amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
  };
}
