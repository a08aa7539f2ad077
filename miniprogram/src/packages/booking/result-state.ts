import type { Appointment } from '@careloop/shared/contracts/appointments';

/**
 * What the result page says about an appointment after paying:
 * - `paying` 支付确认中 — WeChat Pay's signed notify has not reached us yet;
 * - `registering` 支付确认中 — paid, being registered with the hospital (retried);
 * - `booked` 预约成功;
 * - `refunding` / `refunded` — registration failed (or the session was stopped): money going back / back;
 * - `expired` — never paid in time; the slot went back;
 * - `cancelled` — cancelled with nothing paid.
 */
export type ResultState = 'paying' | 'registering' | 'booked' | 'refunding' | 'refunded' | 'expired' | 'cancelled';

/** Classifies an appointment for the result page. */
export function resultState(a: Appointment): ResultState {
  switch (a.status) {
    case 'pending_payment':
      return 'paying';
    case 'confirming':
      return 'registering';
    case 'booked':
    case 'completed':
    case 'no_show':
      return 'booked';
    case 'expired':
      return 'expired';
    case 'cancelled':
      if (!a.refund) return a.payment.status === 'paid' ? 'refunding' : 'cancelled';
      return a.refund.status === 'succeeded' ? 'refunded' : 'refunding';
  }
}

/** States that will not change by waiting (a refund in progress still will). */
export function isSettled(state: ResultState): boolean {
  return state === 'booked' || state === 'refunded' || state === 'expired' || state === 'cancelled';
}

/** Headline and explanation of each state. */
export const RESULT_TEXT: Record<ResultState, { title: string; text: string }> = {
  paying: { title: '支付确认中', text: '正在确认微信支付结果，请稍候，不要重复支付。' },
  registering: { title: '支付确认中', text: '已收到付款，正在向医院确认挂号，通常几秒内完成。' },
  booked: { title: '预约成功', text: '挂号已在医院确认，请按时就诊。' },
  refunding: { title: '挂号失败，退款中', text: '医院未能确认这次挂号，挂号费正在原路退回，您无需任何操作。' },
  refunded: { title: '挂号失败，已退款', text: '医院未能确认这次挂号，挂号费已原路退回。' },
  expired: { title: '支付超时，预约已取消', text: '未在规定时间内完成支付，号源已释放，如需就诊请重新预约。' },
  cancelled: { title: '预约已取消', text: '本次预约已取消。' },
};
