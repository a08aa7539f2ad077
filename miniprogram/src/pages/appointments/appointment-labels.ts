import type { Appointment, AppointmentStatus, AppointmentView } from '@careloop/shared/contracts/appointments';

/** Colour family of a status badge; the text itself comes from the server (`statusText`). */
export type StatusTone = 'warn' | 'info' | 'ok' | 'muted' | 'danger';

/** How loudly each status shows: unpaid holds and missed visits stand out. */
export const STATUS_TONE: Record<AppointmentStatus, StatusTone> = {
  pending_payment: 'warn',
  confirming: 'info',
  booked: 'ok',
  cancelled: 'muted',
  expired: 'muted',
  completed: 'muted',
  no_show: 'danger',
};

/** The 预约 tab's three lists, in the order they are offered. */
export const VIEW_LABELS: Record<AppointmentView, string> = {
  upcoming: '待就诊',
  past: '历史预约',
  cancelled: '已取消',
};

type Refund = NonNullable<Appointment['refund']>;

/** Where the money stands, for people: 退款中 until WeChat Pay says it arrived. */
export const REFUND_STATUS_TEXT: Record<Refund['status'], string> = {
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款异常，工作人员正在处理',
};
