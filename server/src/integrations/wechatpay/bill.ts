import type { WechatBillLine } from './port.js';
import { billTimeToWechatTime } from './shanghai-time.js';

/**
 * The daily trade bill (交易账单) as WeChat Pay's download serves it: CSV-ish UTF-8 text, one
 * header row, one row per trade whose every field starts with a backtick (so spreadsheets keep
 * long numbers as text), then a summary header (`总交易单数,…`) and one summary row. Amounts are
 * yuan with two decimals; we turn them into fen without floating point.
 */

/** Columns we read, by their Chinese header (the order of columns is taken from the header row). */
const COLUMNS = {
  tradeTime: '交易时间',
  transactionId: '微信订单号',
  outTradeNo: '商户订单号',
  tradeState: '交易状态',
  amount: '应结订单金额',
  outRefundNo: '商户退款单号',
  refundAmount: '退款金额',
} as const;

/** `12.5`, `12.50`, `-0.01` yuan → fen; null when not an amount. */
export function yuanToFen(value: string): number | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -fen : fen;
}

/** Fen → `12.50` yuan (bill text). */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A bill that does not parse (the client turns it into `bad_response`). */
export class BillFormatError extends Error {
  override readonly name = 'BillFormatError';
}

/** Splits one bill row and drops the backtick prefix of each field. */
function fields(row: string): string[] {
  return row.split(',').map((field) => (field.startsWith('`') ? field.slice(1) : field).trim());
}

/**
 * Parses the trade bill text into lines. Checks the summary's 总交易单数 against the rows read,
 * so a truncated download is an error rather than a silently short bill.
 */
export function parseTradeBill(text: string): WechatBillLine[] {
  const rows = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((row) => row.trim() !== '');
  const header = rows[0];
  if (header === undefined) return [];
  const names = fields(header);
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([key, name]) => [key, names.indexOf(name)])) as Record<keyof typeof COLUMNS, number>;
  for (const [key, position] of Object.entries(index)) {
    if (position < 0) throw new BillFormatError(`bill header has no ${COLUMNS[key as keyof typeof COLUMNS]} column`);
  }

  const lines: WechatBillLine[] = [];
  let declaredCount: number | undefined;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.startsWith('总交易单数')) {
      declaredCount = Number(fields(rows[i + 1] ?? '')[0]);
      break;
    }
    const values = fields(row);
    const at = (key: keyof typeof COLUMNS) => values[index[key]] ?? '';
    const tradeTime = billTimeToWechatTime(at('tradeTime'));
    const amount = yuanToFen(at('amount'));
    const state = at('tradeState');
    if (tradeTime === null || amount === null || (state !== 'SUCCESS' && state !== 'REFUND')) {
      throw new BillFormatError(`bill row ${i + 1} is not a trade row`);
    }
    const line: WechatBillLine = {
      tradeTime,
      outTradeNo: at('outTradeNo'),
      transactionId: at('transactionId'),
      tradeState: state,
      amount,
    };
    if (state === 'REFUND') {
      const refundAmount = yuanToFen(at('refundAmount'));
      if (refundAmount === null || at('outRefundNo') === '') throw new BillFormatError(`bill row ${i + 1} is a refund without its amount or number`);
      line.outRefundNo = at('outRefundNo');
      line.refundAmount = refundAmount;
    }
    lines.push(line);
  }
  if (declaredCount === undefined || !Number.isInteger(declaredCount)) throw new BillFormatError('bill has no summary');
  if (declaredCount !== lines.length) throw new BillFormatError(`bill summary says ${declaredCount} trades, read ${lines.length}`);
  return lines;
}
