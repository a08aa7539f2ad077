import type { NotificationKind } from '@careloop/shared/contracts/notifications';

/** A short tag per kind of message, shown before the title. */
export const MESSAGE_TAGS: Record<NotificationKind, string> = {
  booking_confirmed: '预约',
  registration_failed_refunded: '退款',
  hold_expired: '预约',
  cancelled_refunded: '退款',
  session_stopped: '停诊',
  waitlist_offer: '候补',
  waitlist_offer_expired: '候补',
  paid_after_release_refunded: '退款',
};
