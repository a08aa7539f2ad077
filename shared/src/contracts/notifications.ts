import { z } from 'zod';

/**
 * Patient message contracts (消息): what the BFF told an account about its bookings — booked,
 * refunded, 停诊, a waitlist place held for them — listed newest first with what is unread.
 * The same messages go out as WeChat subscribe messages when the account allowed the template.
 */

/** Message paths relative to `/api/v1`. */
export const NotificationPaths = {
  list: '/notifications',
  read: '/notifications/read',
  readAll: '/notifications/read-all',
} as const;

/** What a message is about. */
export const NotificationKindSchema = z.enum([
  'booking_confirmed',
  'registration_failed_refunded',
  'hold_expired',
  'cancelled_refunded',
  'session_stopped',
  'waitlist_offer',
  'waitlist_offer_expired',
  'paid_after_release_refunded',
]);
/** A kind of message. */
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

/** One message as the API returns it. */
export const NotificationSchema = z.object({
  id: z.string(),
  kind: NotificationKindSchema,
  title: z.string(),
  body: z.string(),
  /** The 就诊人 it is about. */
  patientId: z.string(),
  /** The appointment it is about (open its detail page), null when none. */
  appointmentId: z.string().nullable(),
  /** ISO-8601 with offset. */
  createdAt: z.iso.datetime({ offset: true }),
  /** When the account read it; null while unread. */
  readAt: z.iso.datetime({ offset: true }).nullable(),
});
/** A message. */
export type Notification = z.infer<typeof NotificationSchema>;

/** Most messages one page returns. */
export const MAX_NOTIFICATION_PAGE_SIZE = 50;
/** Messages per page when `limit` is not given. */
export const DEFAULT_NOTIFICATION_PAGE_SIZE = 20;

/** `GET /notifications` query: `cursor` is the previous page's `nextCursor`. */
export const NotificationListQuerySchema = z.strictObject({
  cursor: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_NOTIFICATION_PAGE_SIZE).default(DEFAULT_NOTIFICATION_PAGE_SIZE),
});
/** A parsed list query. */
export type NotificationListQuery = z.infer<typeof NotificationListQuerySchema>;

/** A page of messages, newest first; `nextCursor` null on the last page; `unreadCount` over all of them. */
export const NotificationPageSchema = z.object({
  items: z.array(NotificationSchema),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int().min(0),
});
/** A page of messages. */
export type NotificationPage = z.infer<typeof NotificationPageSchema>;

/** Most ids one mark-read request takes. */
export const MAX_READ_IDS = 100;

/** `POST /notifications/read` — mark these messages read (all must be the account's). */
export const NotificationReadSchema = z.strictObject({
  ids: z
    .array(z.string().regex(/^[0-9a-f]{24}$/, { error: '消息ID格式不正确' }))
    .min(1, { error: '请至少选择一条消息' })
    .max(MAX_READ_IDS, { error: `每次最多标记${MAX_READ_IDS}条消息` }),
});
/** A valid mark-read request. */
export type NotificationRead = z.infer<typeof NotificationReadSchema>;

/** What marking read answers: how many messages are still unread. */
export const NotificationReadResultSchema = z.object({ unreadCount: z.number().int().min(0) });
/** The result of marking read. */
export type NotificationReadResult = z.infer<typeof NotificationReadResultSchema>;
