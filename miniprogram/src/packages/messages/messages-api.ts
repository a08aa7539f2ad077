import {
  NotificationPageSchema,
  NotificationPaths,
  NotificationReadResultSchema,
  type NotificationPage,
  type NotificationReadResult,
} from '@careloop/shared/contracts/notifications';
import { API_V1, requestJson } from '../../services/api';

/** The signed-in account's messages (消息), typed by the shared contracts. */
export const messagesApi = {
  /** A page, newest first; `cursor` is the previous page's `nextCursor`. */
  list: (cursor?: string, limit = 20): Promise<NotificationPage> =>
    requestJson('GET', `${API_V1}${NotificationPaths.list}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, NotificationPageSchema),
  /** Only the unread count (我的 shows it on the entry). */
  unreadCount: async (): Promise<number> => (await messagesApi.list(undefined, 1)).unreadCount,
  markRead: (ids: string[]): Promise<NotificationReadResult> =>
    requestJson('POST', `${API_V1}${NotificationPaths.read}`, NotificationReadResultSchema, { body: { ids } }),
  markAllRead: (): Promise<NotificationReadResult> => requestJson('POST', `${API_V1}${NotificationPaths.readAll}`, NotificationReadResultSchema),
};
