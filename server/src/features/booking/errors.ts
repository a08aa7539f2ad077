import type { SlotUnavailableReason } from '@careloop/shared/contracts/appointments';
import { AppError, ConflictError, NotFoundError } from '../../http/errors.js';
import { shanghaiText } from './shanghai.js';

/**
 * The booking feature's errors: one function per refusal, each with the stable code of
 * `BookingErrorCodeSchema` and a Chinese message that names the rule and says what to do.
 */

/** 404: no appointment with this id for this account (unknown and someone else's look the same). */
export function appointmentNotFound(): NotFoundError {
  return new NotFoundError('未找到该预约，请刷新列表后重试');
}

/** 404: no such slot in the inventory. */
export function slotNotFound(): AppError {
  return new AppError('slot_not_found', 404, '未找到该号源，请返回医生排班重新选择');
}

/** 404: no such doctor. */
export function doctorNotFound(): NotFoundError {
  return new NotFoundError('未找到该医生，请返回医生列表重新选择');
}

/** 404: no waitlist entry with this id for this account. */
export function waitlistEntryNotFound(): NotFoundError {
  return new NotFoundError('未找到该候补登记，请刷新后重试');
}

/** 409: the place is gone (lost the race, booked out, or taken at the hospital's window). */
export function slotUnavailable(detail = '该号源已被约满，请选择其他时段或登记候补'): ConflictError {
  return new ConflictError(detail, { code: 'slot_unavailable', details: { reason: 'booked_out' } });
}

/** The 409 for a slot that is not bookable for `reason`. */
export function slotNotBookable(reason: SlotUnavailableReason, opensAt?: Date): AppError {
  switch (reason) {
    case 'booked_out':
      return slotUnavailable();
    case 'not_open_yet':
      return new ConflictError(
        `尚未放号：该日号源将于${opensAt ? shanghaiText(opensAt) : '放号时间'}开放预约（预约规则：每天定时放出新一天的号）`,
        { code: 'booking_not_open', details: { reason, ...(opensAt ? { opensAt: opensAt.toISOString() } : {}) } },
      );
    case 'past':
    case 'closed':
      return new ConflictError('该时段已停止在线预约（预约规则：就诊前一段时间停止在线预约），请选择其他时段', {
        code: 'booking_closed',
        details: { reason },
      });
    case 'session_stopped':
      return new ConflictError('医生该时段停诊，无法预约，请选择其他医生或日期', { code: 'session_stopped', details: { reason } });
    case 'referral_reserved':
      return new ConflictError(
        `该号为医联体转诊预留号，需经转诊预约${opensAt ? `；${shanghaiText(opensAt)}起未用完的向所有人开放` : ''}`,
        { code: 'channel_reserved', details: { reason, ...(opensAt ? { opensAt: opensAt.toISOString() } : {}) } },
      );
    case 'priority_reserved':
      return new ConflictError('该号为老年人、残障人士优先号，请电话或到院由工作人员预约', { code: 'channel_reserved', details: { reason } });
  }
}

/** 409: one active appointment per patient per doctor per day. */
export function duplicateDoctorDay(): ConflictError {
  return new ConflictError('该就诊人当天已预约过这位医生（预约规则：同一就诊人同一医生同一天只能预约1个号），请在“我的预约”中查看', {
    code: 'duplicate_doctor_day',
  });
}

/** 409: too many active appointments. */
export function activeLimitReached(max: number): ConflictError {
  return new ConflictError(`该就诊人已有${max}个未就诊的预约（预约规则：最多同时${max}个），请就诊或取消后再预约`, {
    code: 'active_limit_reached',
    details: { max },
  });
}

/** 429: too many attempts in a minute. */
export function rateLimited(scope: 'account' | 'patient', limit: number, retryAfterSeconds: number): AppError {
  const who = scope === 'account' ? '该账号' : '该就诊人';
  return new AppError('rate_limited', 429, `${who}预约操作过于频繁（防刷号规则：每分钟最多${limit}次），请${retryAfterSeconds}秒后再试`, {
    details: { scope, limit, retryAfterSeconds },
  });
}

/** 403: online booking paused after no-shows. */
export function pausedForNoShows(until: Date, rule: { threshold: number; windowDays: number; pauseDays: number }): AppError {
  return new AppError(
    'booking_paused_no_show',
    403,
    `该就诊人${rule.windowDays}天内爽约已达${rule.threshold}次，在线预约暂停${rule.pauseDays}天（爽约规则），${shanghaiText(until)}后恢复；如有疑问请联系医院`,
    { details: { pausedUntil: until.toISOString(), ...rule } },
  );
}

/** 409: the appointment is not waiting for payment. */
export function notPayable(statusText: string): ConflictError {
  return new ConflictError(`该预约${statusText}，无需支付`, { code: 'not_payable' });
}

/** 409: the pay window closed. */
export function paymentExpired(): ConflictError {
  return new ConflictError('支付时间已过，号源已释放，请重新预约', { code: 'payment_expired' });
}

/** 409: free cancellation ended. */
export function cancelCutoffPassed(ruleText: string, freeUntil: Date): ConflictError {
  return new ConflictError(`已过免费取消时间，无法在线取消（退号规则：${ruleText}）`, {
    code: 'cancel_cutoff_passed',
    details: { freeUntil: freeUntil.toISOString() },
  });
}

/** 409: the appointment cannot be cancelled in its state. */
export function notCancellable(ruleText: string): ConflictError {
  return new ConflictError(ruleText, { code: 'not_cancellable' });
}

/** 409: the patient already waits for that day. */
export function waitlistExists(): ConflictError {
  return new ConflictError('该就诊人已登记过这一天的候补，请在“我的候补”中查看', { code: 'waitlist_exists' });
}

/** 409: places are still free, book instead. */
export function waitlistNotNeeded(): ConflictError {
  return new ConflictError('该医生当天还有可预约的号源，请直接预约', { code: 'waitlist_not_needed' });
}

/** 409: the day cannot be waited for (not open, past, or stopped). */
export function waitlistClosed(detail: string): ConflictError {
  return new ConflictError(detail, { code: 'waitlist_closed' });
}

/** 401: a WeChat Pay notify whose signature does not verify. */
export function invalidSignature(options?: { cause?: unknown }): AppError {
  return new AppError('invalid_signature', 401, '通知签名验证失败', options);
}

/** 400: a notify that cannot be decrypted or read. */
export function invalidNotification(options?: { cause?: unknown }): AppError {
  return new AppError('invalid_notification', 400, '通知内容无法解析', options);
}

/** 404: a notify for an order we never made. */
export function unknownOrder(): AppError {
  return new AppError('unknown_order', 404, '订单不存在');
}

/** 400: a notify whose amount differs from our order. */
export function amountMismatch(): AppError {
  return new AppError('amount_mismatch', 400, '通知金额与订单金额不一致');
}

/** 400: a notify for another AppID or merchant. */
export function merchantMismatch(): AppError {
  return new AppError('merchant_mismatch', 400, '通知的应用或商户号与本系统不一致');
}

/** 404: a session (doctor half-day) unknown to this staff member. */
export function sessionNotFound(): NotFoundError {
  return new NotFoundError('未找到该出诊时段，请刷新后重试');
}

/** 409: a quota that does not fit the session. */
export function quotaDoesNotFit(detail: string): ConflictError {
  return new ConflictError(detail, { code: 'quota_does_not_fit' });
}
