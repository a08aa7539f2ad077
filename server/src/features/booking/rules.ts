import type { AppointmentStatus, BookingChannel, SlotUnavailableReason } from '@careloop/shared/contracts/appointments';
import type { BookingRuleSettings } from './settings.js';
import { shanghaiAt, shanghaiText } from './shanghai.js';

/**
 * The booking rules as pure functions of (state, now, rules): when a day opens, whether a slot
 * can be booked and why not, whether an appointment can still be cancelled free, whether a
 * patient's online booking is paused for no-shows, and the sentences that explain them. The
 * hold itself re-checks the same conditions atomically in MongoDB (holds.ts); these decide what
 * the screen says and which error a refused booking gets.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The slot facts the rules look at. */
export interface SlotFacts {
  start: Date;
  channel: BookingChannel;
  capacity: number;
  taken: number;
  /** When a referral place opens to the public (null for other channels). */
  releaseAt: Date | null;
  /** Booking of the slot's day opens at this instant. */
  opensAt: Date;
  /** The session was stopped (停诊). */
  stopped: boolean;
}

/** Whether a slot can be booked now through a channel, and if not, why. */
export type Availability =
  | { bookable: true; remaining: number }
  | { bookable: false; reason: SlotUnavailableReason; remaining: number; opensAt?: Date };

/** The instant booking for a Shanghai date opens: `openDaysAhead` days before, at `openTime`. */
export function opensAtFor(date: string, rules: Pick<BookingRuleSettings, 'openDaysAhead' | 'openTime'>): Date {
  return shanghaiAt(date, rules.openTime, -rules.openDaysAhead);
}

/** The instant an unused referral place of a session starting at `sessionStart` opens to the public. */
export function referralReleaseAt(sessionStart: Date, rules: Pick<BookingRuleSettings, 'referralReleaseHours'>): Date {
  return new Date(sessionStart.getTime() - rules.referralReleaseHours * HOUR_MS);
}

/**
 * Whether `channel` may take a place of `slot` at `now`. Reasons, first that applies: the
 * session stopped; the slot started (`past`) or online booking of it closed (`closed`); the day
 * is not open yet (`not_open_yet`, with `opensAt`); no place left (`booked_out`); the place is
 * kept for referrals until its release (`referral_reserved`, with `opensAt`) or for the priority
 * channel (`priority_reserved`). Referral and priority bookers may also take public places.
 */
export function slotAvailability(
  slot: SlotFacts,
  now: Date,
  rules: Pick<BookingRuleSettings, 'closeMinutesBefore'>,
  channel: BookingChannel,
): Availability {
  const remaining = Math.max(0, slot.capacity - slot.taken);
  const nowMs = now.getTime();
  if (slot.stopped) return { bookable: false, reason: 'session_stopped', remaining: 0 };
  if (slot.start.getTime() <= nowMs) return { bookable: false, reason: 'past', remaining: 0 };
  if (slot.start.getTime() - rules.closeMinutesBefore * 60_000 <= nowMs) return { bookable: false, reason: 'closed', remaining: 0 };
  if (nowMs < slot.opensAt.getTime()) return { bookable: false, reason: 'not_open_yet', remaining, opensAt: slot.opensAt };
  if (remaining === 0) return { bookable: false, reason: 'booked_out', remaining: 0 };
  if (slot.channel === 'referral' && channel !== 'referral') {
    const releaseAt = slot.releaseAt;
    if (releaseAt === null || nowMs < releaseAt.getTime()) {
      return releaseAt === null
        ? { bookable: false, reason: 'referral_reserved', remaining }
        : { bookable: false, reason: 'referral_reserved', remaining, opensAt: releaseAt };
    }
  }
  if (slot.channel === 'priority' && channel !== 'priority') return { bookable: false, reason: 'priority_reserved', remaining };
  return { bookable: true, remaining };
}

/** What the screen says for each reason. */
export const reasonTexts: Readonly<Record<SlotUnavailableReason, string>> = {
  booked_out: '已约满',
  past: '已过就诊时间',
  closed: '已停止在线预约',
  not_open_yet: '尚未放号',
  session_stopped: '医生停诊',
  referral_reserved: '转诊预留号',
  priority_reserved: '优先通道号（老年人、残障人士，请电话或现场预约）',
};

/** A reason's text, with the opening time when there is one. */
export function reasonText(availability: Extract<Availability, { bookable: false }>): string {
  const base = reasonTexts[availability.reason];
  if (availability.opensAt === undefined) return base;
  return availability.reason === 'not_open_yet'
    ? `${base}，${shanghaiText(availability.opensAt)}开放预约`
    : `${base}，${shanghaiText(availability.opensAt)}起未用完的向所有人开放`;
}

/** Appointment statuses that hold a place and count against the patient's limits. */
export const activeStatuses: readonly AppointmentStatus[] = ['pending_payment', 'confirming', 'booked'];

/** Whether a patient may cancel now, and the rule shown next to the button. */
export interface CancelDecision {
  allowed: boolean;
  /** Free cancellation until this instant. */
  freeUntil: Date;
  ruleText: string;
  /** Why not, when not allowed: the cut-off passed, or the status does not allow it. */
  refusal?: 'cutoff' | 'status';
}

/**
 * The cancellation rule: an unpaid hold can be dropped until the visit; a booked appointment is
 * cancelled free (and refunded in full) until `cancelCutoffHours` before the visit, not online
 * after that; while the hospital registration is being confirmed, nothing can be cancelled.
 */
export function cancelDecision(
  appointment: { status: AppointmentStatus; start: Date },
  now: Date,
  rules: Pick<BookingRuleSettings, 'cancelCutoffHours'>,
): CancelDecision {
  const freeUntil = new Date(appointment.start.getTime() - rules.cancelCutoffHours * HOUR_MS);
  const cutoffText = `就诊前${rules.cancelCutoffHours}小时（${shanghaiText(freeUntil)}）前可免费取消并全额退款，之后不能在线取消`;
  const started = appointment.start.getTime() <= now.getTime();
  switch (appointment.status) {
    case 'pending_payment':
      return started
        ? { allowed: false, freeUntil, ruleText: '就诊时间已过，无法取消', refusal: 'status' }
        : { allowed: true, freeUntil, ruleText: '尚未支付，可随时取消，不产生费用' };
    case 'booked':
      return now.getTime() < freeUntil.getTime()
        ? { allowed: true, freeUntil, ruleText: cutoffText }
        : { allowed: false, freeUntil, ruleText: `${cutoffText}；如确需取消，请联系医院`, refusal: 'cutoff' };
    case 'confirming':
      return { allowed: false, freeUntil, ruleText: '正在向医院确认挂号，请稍后再试', refusal: 'status' };
    default:
      return { allowed: false, freeUntil, ruleText: '该预约已结束，无需取消', refusal: 'status' };
  }
}

/**
 * Until when a patient's online booking is paused: the no-show that makes `threshold` of them
 * within `windowDays` starts a pause of `pauseDays`, served in full even when the earlier
 * no-shows leave the window meanwhile; null when no pause is running. Callers pass the
 * no-shows of the last `windowDays + pauseDays` (older ones cannot start a running pause).
 */
export function noShowPausedUntil(noShowStarts: readonly Date[], now: Date, rules: Pick<BookingRuleSettings, 'noShow'>): Date | null {
  const { threshold, windowDays, pauseDays } = rules.noShow;
  const nowMs = now.getTime();
  const times = noShowStarts.map((d) => d.getTime()).filter((t) => t <= nowMs).sort((a, b) => a - b);
  let until = -Infinity;
  for (let i = threshold - 1; i < times.length; i += 1) {
    const last = times[i] as number;
    const first = times[i - threshold + 1] as number;
    if (last - first < windowDays * DAY_MS) until = Math.max(until, last + pauseDays * DAY_MS);
  }
  return nowMs < until ? new Date(until) : null;
}

/** How far back no-shows matter to {@link noShowPausedUntil}: the window plus a whole pause. */
export function noShowLookbackMs(rules: Pick<BookingRuleSettings, 'noShow'>): number {
  return (rules.noShow.windowDays + rules.noShow.pauseDays) * DAY_MS;
}

/** Every rule as one Chinese sentence, in the order the confirm page shows them. */
export function ruleTexts(rules: BookingRuleSettings): string[] {
  return [
    `可预约未来${rules.openDaysAhead}天内的号源，每天${rules.openTime}放出新一天的号`,
    `预约后请在${rules.payWithinMinutes}分钟内完成支付，超时未支付号源自动释放`,
    '同一就诊人同一医生同一天只能预约1个号',
    `同一就诊人最多同时有${rules.maxActivePerPatient}个未就诊的预约`,
    `就诊前${rules.cancelCutoffHours}小时前可免费取消并全额退款，之后不能在线取消`,
    `就诊前${rules.closeMinutesBefore}分钟停止在线预约`,
    `每个账号、每位就诊人每分钟最多提交${rules.attemptsPerMinute}次预约`,
    `${rules.noShow.windowDays}天内爽约${rules.noShow.threshold}次，将暂停在线预约${rules.noShow.pauseDays}天`,
    `副主任及以上医师的号源预留${rules.referralReservePercent}%给医联体转诊患者，就诊前${rules.referralReleaseHours}小时未用完的向所有人开放`,
    `每个出诊时段保留${rules.prioritySlotsPerSession}个优先号给65岁以上老人和残障人士，请电话或到院由工作人员预约`,
    `约满后可登记候补，有号释放时按登记先后通知，须在${rules.waitlistPayWithinMinutes}分钟内支付`,
  ];
}
