import { fenToYuan } from '../bill.js';
import { shanghaiDate, toBillTime } from '../shanghai-time.js';
import type { SandboxOrder, SandboxRefund } from './ledger.js';

/**
 * The sandbox's trade bill (交易账单, bill_type=ALL) in WeChat Pay's download format: a header
 * row, one backtick-prefixed row per payment (交易状态 SUCCESS) and per refund (REFUND, whose
 * 应结订单金额 is 0.00 and whose money is in 退款金额) of the Shanghai day, then the summary.
 */

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
  '微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
/** The sandbox's fee rate, 0.6 % as for most merchants. */
const RATE = 0.006;

/** Fee of an amount in yuan with five decimals, as bills write it. */
function fee(fen: number): string {
  return ((fen * RATE) / 100).toFixed(5);
}

/** Backticks every field (commas are not allowed inside; descriptions are cleaned). */
function row(values: string[]): string {
  return values.map((value) => `\`${value.replace(/[,`\r\n]/g, ' ')}`).join(',');
}

/** The bill text of `date`; null when the day has no trades (WeChat Pay: NO_STATEMENT_EXIST). */
export function tradeBillText(date: string, orders: SandboxOrder[], refunds: SandboxRefund[]): string | null {
  type Line = { at: string; values: string[]; amount: number; refund: number; fee: number };
  const lines: Line[] = [];
  const ordersByNo = new Map(orders.map((order) => [order.outTradeNo, order]));
  for (const order of orders) {
    if (!order.successTime || shanghaiDate(new Date(order.successTime)) !== date) continue;
    const at = toBillTime(new Date(order.successTime));
    lines.push({
      at: order.successTime,
      amount: order.total,
      refund: 0,
      fee: order.total * RATE,
      values: [at, order.appid, order.mchid, '0', '', order.transactionId ?? '', order.outTradeNo, order.payerOpenid, 'JSAPI', 'SUCCESS', 'OTHERS', 'CNY',
        fenToYuan(order.total), '0.00', '0', '0', '0.00', '0.00', '', '', order.description, order.attach ?? '', fee(order.total), '0.60%', fenToYuan(order.total), '0.00', ''],
    });
  }
  for (const refund of refunds) {
    if (refund.status !== 'SUCCESS' || !refund.successTime || shanghaiDate(new Date(refund.successTime)) !== date) continue;
    const order = ordersByNo.get(refund.outTradeNo);
    if (!order) continue;
    lines.push({
      at: refund.successTime,
      amount: 0,
      refund: refund.refund,
      fee: -refund.refund * RATE,
      values: [toBillTime(new Date(refund.successTime)), order.appid, order.mchid, '0', '', refund.transactionId, refund.outTradeNo, order.payerOpenid, 'JSAPI', 'REFUND', 'OTHERS', 'CNY',
        '0.00', '0.00', refund.refundId, refund.outRefundNo, fenToYuan(refund.refund), '0.00', 'ORIGINAL', 'SUCCESS', order.description, order.attach ?? '', fee(-refund.refund), '0.60%', '0.00', fenToYuan(refund.refund), ''],
    });
  }
  if (lines.length === 0) return null;
  lines.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const sum = (pick: (line: Line) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const summary = [String(lines.length), fenToYuan(sum((l) => l.amount)), fenToYuan(sum((l) => l.refund)), '0.00', (sum((l) => l.fee) / 100).toFixed(5), fenToYuan(sum((l) => l.amount)), fenToYuan(sum((l) => l.refund))];
  return `${[HEADER, ...lines.map((line) => row(line.values)), SUMMARY_HEADER, row(summary)].join('\r\n')}\r\n`;
}
