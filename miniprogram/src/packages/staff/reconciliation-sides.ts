import { formatFen } from '@careloop/shared';
import type { ReconciliationMismatch } from '@careloop/shared/contracts/reconciliation';

/** What each of the three records says about one mismatch, for the side-by-side row. */
export interface MismatchSides {
  /** CareLoop's own payment / refund / appointment. */
  ours: string;
  /** The WeChat Pay trade bill of the day. */
  bill: string;
  /** The hospital's registration. */
  hospital: string;
}

const amount = (fen: number | null): string => (fen === null ? '' : ` ${formatFen(fen)}`);

/**
 * Our payment vs the WeChat Pay bill vs the hospital registration, in words, for a mismatch of
 * each kind; "—" where that record was not part of the comparison.
 */
export function mismatchSides(m: ReconciliationMismatch): MismatchSides {
  switch (m.kind) {
    case 'missing_in_bill':
      return { ours: `已收款${amount(m.ours)}`, bill: '无此笔收款', hospital: '—' };
    case 'unknown_in_bill':
      return { ours: '无此订单', bill: `收款${amount(m.theirs)}`, hospital: '—' };
    case 'amount_mismatch':
      return { ours: `金额${amount(m.ours)}`, bill: `金额${amount(m.theirs)}`, hospital: '—' };
    case 'refund_missing_in_bill':
      return { ours: `已退款${amount(m.ours)}`, bill: '无此笔退款', hospital: '—' };
    case 'unknown_refund_in_bill':
      return { ours: '无此退款', bill: `退款${amount(m.theirs)}`, hospital: '—' };
    case 'registration_missing':
      return { ours: '已收款、已预约', bill: '—', hospital: '无有效挂号' };
    case 'registration_not_cancelled':
      return { ours: '已取消、已退款', bill: '—', hospital: '挂号未取消' };
  }
}
