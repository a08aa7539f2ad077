import { z } from 'zod';
import type { NotificationKind } from '@careloop/shared/contracts/notifications';
import { zoneOffsetMs } from '../../time-zone.js';

/**
 * Which WeChat subscribe-message template carries which kind of message, and how its fields are
 * filled — the one place that maps kinds to templates. Two templates of WeChat's medical
 * category cover booking: 预约状态通知 (booked, cancelled, 停诊, timed out, 候补到号…) and 退款通知.
 * Template ids come from config (`WECHAT_SUBSCRIBE_TEMPLATES`); the demo ids are the ones the
 * mini-program asks the patient to allow (miniprogram/src/packages/account/subscribe-templates.ts).
 */

/** The templates we send with. */
export type SubscribeTemplateKey = 'booking_status' | 'refund';

/** Template ids by template, as issued in the WeChat console for our AppID. */
export type SubscribeTemplateIds = Record<SubscribeTemplateKey, string>;

/** The demo AppID's ids (the sandbox accepts any id; these match the mini-program's list). */
export const DEMO_SUBSCRIBE_TEMPLATE_IDS: SubscribeTemplateIds = {
  booking_status: 'CareLoopBookingStatus_0001',
  refund: 'CareLoopRefund_0001',
};

const TemplateIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a template id as issued in the WeChat console');

/** `WECHAT_SUBSCRIBE_TEMPLATES` once parsed as JSON: the ids to use instead of the demo ones. */
export const SubscribeTemplateIdsSchema = z.strictObject({ booking_status: TemplateIdSchema.optional(), refund: TemplateIdSchema.optional() });

/** The template ids in force: the configured ones over the demo ones. */
export function subscribeTemplateIds(configured?: z.infer<typeof SubscribeTemplateIdsSchema>): SubscribeTemplateIds {
  return { ...DEMO_SUBSCRIBE_TEMPLATE_IDS, ...Object.fromEntries(Object.entries(configured ?? {}).filter(([, id]) => id !== undefined)) };
}

/** What a message is about, as the template fields need it (the sender fills what it knows). */
export interface MessageFacts {
  patientName: string;
  /** When the visit is (or was). */
  visitAt?: Date;
  /** Department and doctor, e.g. `心血管内科 赵鹏`. */
  visitWith?: string;
  /** The fee concerned, in fen. */
  amountFen?: number;
  /** For a waitlist offer: pay before this. */
  payBy?: Date;
}

/** Template and status line of each kind (预约状态通知: status ≤ 5 characters and a tip ≤ 20). */
const KINDS: Record<NotificationKind, { template: 'booking_status'; status: string; tip: (facts: MessageFacts) => string } | { template: 'refund'; reason: string }> = {
  booking_confirmed: { template: 'booking_status', status: '预约成功', tip: () => '请提前30分钟到院签到' },
  hold_expired: { template: 'booking_status', status: '已超时', tip: () => '未按时支付，号源已释放' },
  cancelled_refunded: { template: 'booking_status', status: '已取消', tip: (f) => `挂号费${yuan(f.amountFen)}将原路退还` },
  session_stopped: {
    template: 'booking_status',
    status: '已停诊',
    tip: (f) => (f.amountFen ? `医生停诊，挂号费${yuan(f.amountFen)}原路退还` : '医生停诊，请改约其他时间'),
  },
  waitlist_offer: { template: 'booking_status', status: '候补到号', tip: (f) => (f.payBy ? `请在${clock(f.payBy)}前完成支付` : '请尽快完成支付') },
  waitlist_offer_expired: { template: 'booking_status', status: '候补失效', tip: () => '未按时支付，号源已转出' },
  registration_failed_refunded: { template: 'refund', reason: '医院挂号未成功' },
  paid_after_release_refunded: { template: 'refund', reason: '支付到账时预约已失效' },
};

/** The template a kind of message is sent with. */
export function templateKeyOf(kind: NotificationKind): SubscribeTemplateKey {
  return KINDS[kind].template;
}

/** The page a message opens: the appointment's detail, else the message list. */
export function messagePage(appointmentId: string | null): string {
  return appointmentId ? `packages/booking/pages/detail/index?id=${appointmentId}` : 'packages/messages/pages/index/index';
}

/**
 * The template fields of a message (WeChat's limits: `name` ≤ 10, `thing` ≤ 20, `phrase` ≤ 5
 * characters; `time` as 2030年3月11日 08:00; `amount` as 50.00元). `now` stamps the refund time.
 */
export function templateData(kind: NotificationKind, facts: MessageFacts, now: Date): Record<string, string> {
  const spec = KINDS[kind];
  const name = cut(facts.patientName, 10);
  if (spec.template === 'refund') {
    return {
      name1: name,
      amount2: yuan(facts.amountFen),
      thing3: cut(spec.reason, 20),
      time4: timeText(now),
      thing5: '原路退还至微信支付',
    };
  }
  return {
    name1: name,
    time2: facts.visitAt ? timeText(facts.visitAt) : timeText(now),
    thing3: cut(facts.visitWith ?? '预约挂号', 20),
    phrase4: cut(spec.status, 5),
    thing5: cut(spec.tip(facts), 20),
  };
}

/** `5000` → `50.00元`. */
function yuan(fen: number | undefined): string {
  return `${((fen ?? 0) / 100).toFixed(2)}元`;
}

/** Shanghai wall clock of an instant (`getUTC*` of the shifted instant). */
function shanghai(instant: Date): Date {
  return new Date(instant.getTime() + zoneOffsetMs('Asia/Shanghai', instant.getTime()));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2030年3月11日 08:00` in Shanghai. */
function timeText(instant: Date): string {
  const d = shanghai(instant);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `09:40` in Shanghai. */
function clock(instant: Date): string {
  const d = shanghai(instant);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** At most `max` characters (an ellipsis marks a cut). */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
