import { randomBytes, randomInt } from 'node:crypto';
import type { WechatRefundStatus, WechatTradeState } from '../port.js';
import { toWechatTime } from '../shanghai-time.js';

/**
 * The sandbox's books: orders and refunds with WeChat Pay's rules for them (idempotent order
 * creation by out_trade_no and parameters, idempotent refunds by out_refund_no, refunds never
 * above what was paid, expired orders cannot be paid). Pure state; HTTP and notifies live elsewhere.
 */

/** An order as the sandbox holds it. */
export interface SandboxOrder extends NewOrder {
  prepayId: string;
  state: WechatTradeState;
  transactionId?: string;
  /** RFC 3339 +08:00. */
  successTime?: string;
  createdAt: string;
}

/** A refund as the sandbox holds it. */
export interface SandboxRefund {
  outRefundNo: string;
  outTradeNo: string;
  refundId: string;
  transactionId: string;
  /** Fen. */
  refund: number;
  total: number;
  reason?: string;
  notifyUrl: string;
  status: WechatRefundStatus;
  createTime: string;
  successTime?: string;
}

/** A refusal in WeChat Pay's terms: HTTP status, `code`, Chinese `message`. */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parameters of a JSAPI order (already validated for shape). */
export interface NewOrder {
  appid: string;
  mchid: string;
  outTradeNo: string;
  description: string;
  /** Fen. */
  total: number;
  payerOpenid: string;
  /** RFC 3339 as received. */
  timeExpire: string;
  attach?: string;
  notifyUrl: string;
}

/** Parameters of a refund (already validated for shape). */
export interface NewRefund {
  outTradeNo: string;
  outRefundNo: string;
  refund: number;
  total: number;
  reason?: string;
  notifyUrl?: string;
}

function digits(count: number): string {
  let out = '';
  while (out.length < count) out += String(randomInt(0, 1_000_000_000)).padStart(9, '0');
  return out.slice(0, count);
}

function compact(instant: Date): string {
  return toWechatTime(instant).slice(0, 19).replace(/[-:T]/g, '');
}

/** The sandbox's orders and refunds. */
export class SandboxLedger {
  private readonly orders = new Map<string, SandboxOrder>();
  private readonly byPrepayId = new Map<string, SandboxOrder>();
  private readonly refunds = new Map<string, SandboxRefund>();

  constructor(private readonly now: () => Date) {}

  /** Creates an order, or returns the same one for the same number and parameters. */
  createOrder(input: NewOrder): SandboxOrder {
    const existing = this.orders.get(input.outTradeNo);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw new SandboxApiError(400, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') throw new SandboxApiError(400, 'ORDER_CLOSED', '该订单已关闭');
      const same =
        existing.appid === input.appid &&
        existing.description === input.description &&
        existing.total === input.total &&
        existing.payerOpenid === input.payerOpenid &&
        Date.parse(existing.timeExpire) === Date.parse(input.timeExpire) &&
        (existing.attach ?? '') === (input.attach ?? '');
      if (!same) throw new SandboxApiError(400, 'INVALID_REQUEST', '201 商户订单号重复');
      return existing;
    }
    const now = this.now();
    const order: SandboxOrder = {
      ...input,
      prepayId: `wx${compact(now)}${randomBytes(10).toString('hex')}`,
      state: 'NOTPAY',
      createdAt: toWechatTime(now),
    };
    this.orders.set(order.outTradeNo, order);
    this.byPrepayId.set(order.prepayId, order);
    return order;
  }

  order(outTradeNo: string): SandboxOrder | undefined {
    return this.orders.get(outTradeNo);
  }

  orderByPrepayId(prepayId: string): SandboxOrder | undefined {
    return this.byPrepayId.get(prepayId);
  }

  /** Whether an unpaid order is past its `time_expire`. */
  expired(order: SandboxOrder): boolean {
    return this.now().getTime() > Date.parse(order.timeExpire);
  }

  /** The payer confirms: NOTPAY → SUCCESS. Throws when it cannot be paid. */
  pay(outTradeNo: string): SandboxOrder {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new SandboxApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new SandboxApiError(400, 'ORDERPAID', '该订单已支付');
    if (order.state === 'CLOSED') throw new SandboxApiError(400, 'ORDER_CLOSED', '订单已关闭');
    if (this.expired(order)) throw new SandboxApiError(400, 'ORDER_EXPIRED', '订单已过期');
    const now = this.now();
    order.state = 'SUCCESS';
    order.transactionId = `4200${compact(now).slice(0, 8)}${digits(16)}`;
    order.successTime = toWechatTime(now);
    return order;
  }

  /** Closes an unpaid order (closing twice is fine). */
  close(outTradeNo: string): void {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new SandboxApiError(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new SandboxApiError(400, 'ORDERPAID', '该订单已支付');
    order.state = 'CLOSED';
  }

  /** Creates a refund (PROCESSING), or returns the same one for the same out_refund_no and parameters. */
  createRefund(input: NewRefund): { refund: SandboxRefund; created: boolean } {
    const existing = this.refunds.get(input.outRefundNo);
    if (existing) {
      if (existing.outTradeNo !== input.outTradeNo || existing.refund !== input.refund || existing.total !== input.total) {
        throw new SandboxApiError(400, 'INVALID_REQUEST', '商户退款单号重复，且与原退款参数不一致');
      }
      return { refund: existing, created: false };
    }
    const order = this.orders.get(input.outTradeNo);
    if (!order) throw new SandboxApiError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (order.state !== 'SUCCESS' && order.state !== 'REFUND') throw new SandboxApiError(400, 'INVALID_REQUEST', '订单未支付，不能退款');
    if (input.total !== order.total) throw new SandboxApiError(400, 'INVALID_REQUEST', '订单金额与原订单不一致');
    const refunded = [...this.refunds.values()]
      .filter((refund) => refund.outTradeNo === order.outTradeNo && refund.status !== 'CLOSED')
      .reduce((sum, refund) => sum + refund.refund, 0);
    if (refunded + input.refund > order.total) throw new SandboxApiError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const now = this.now();
    const refund: SandboxRefund = {
      outRefundNo: input.outRefundNo,
      outTradeNo: order.outTradeNo,
      refundId: `50${digits(30)}`,
      transactionId: order.transactionId ?? '',
      refund: input.refund,
      total: input.total,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      notifyUrl: input.notifyUrl ?? order.notifyUrl,
      status: 'PROCESSING',
      createTime: toWechatTime(now),
    };
    this.refunds.set(refund.outRefundNo, refund);
    order.state = 'REFUND';
    return { refund, created: true };
  }

  refund(outRefundNo: string): SandboxRefund | undefined {
    return this.refunds.get(outRefundNo);
  }

  /** The bank paid the refund out: PROCESSING → SUCCESS. */
  completeRefund(outRefundNo: string): SandboxRefund | undefined {
    const refund = this.refunds.get(outRefundNo);
    if (!refund || refund.status !== 'PROCESSING') return undefined;
    refund.status = 'SUCCESS';
    refund.successTime = toWechatTime(this.now());
    return refund;
  }

  allOrders(): SandboxOrder[] {
    return [...this.orders.values()].map((order) => ({ ...order }));
  }

  allRefunds(): SandboxRefund[] {
    return [...this.refunds.values()].map((refund) => ({ ...refund }));
  }
}
