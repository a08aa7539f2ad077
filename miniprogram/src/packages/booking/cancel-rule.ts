import type { BookingRules, Slot } from '@careloop/shared/contracts/appointments';
import { deadlineText } from '../../pages/appointments/visit-time';

/**
 * The cancellation rule of one slot, in words, shown before anything is paid: free until
 * `cancelCutoffHours` before the visit. (After booking, the server's `cancel.ruleText` applies.)
 */
export function cancelRuleText(slot: Slot, rules: BookingRules): string {
  const freeUntil = new Date(Date.parse(slot.start) - rules.cancelCutoffHours * 3_600_000).toISOString();
  return `取消规则：${deadlineText(freeUntil)} 前可在线取消，挂号费原路全额退回；之后不能在线取消。`;
}
