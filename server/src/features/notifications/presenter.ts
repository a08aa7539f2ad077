import type { Notification, NotificationPage } from '@careloop/shared/contracts/notifications';
import type { NotificationRecord } from './model.js';
import type { NotificationPageView } from './service.js';

/** A message as the patient sees it (the WeChat delivery stays on the server). */
export function presentNotification(record: NotificationRecord): Notification {
  return {
    id: record._id.toHexString(),
    kind: record.kind,
    title: record.title,
    body: record.body,
    patientId: record.patientId.toHexString(),
    appointmentId: record.appointmentId?.toHexString() ?? null,
    createdAt: record.createdAt.toISOString(),
    readAt: record.readAt?.toISOString() ?? null,
  };
}

/** `GET /notifications`. */
export function presentNotificationPage(page: NotificationPageView): NotificationPage {
  return { items: page.items.map(presentNotification), nextCursor: page.nextCursor, unreadCount: page.unreadCount };
}
