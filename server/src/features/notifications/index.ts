/**
 * Patient messages (消息): the `notifications` collection, its routes, and WeChat subscribe
 * messages sent with the account's consent. Booking tells patients through `notify`.
 */
export { createWechatDelivery, type WechatDelivery } from './delivery.js';
export { createNotificationModels, type NotificationModels, type NotificationRecord } from './model.js';
export { notificationRoutes } from './routes.js';
export { createNotificationsService, type NewNotification, type NotificationsService } from './service.js';
export { DEMO_SUBSCRIBE_TEMPLATE_IDS, subscribeTemplateIds, type MessageFacts, type SubscribeTemplateIds } from './templates.js';
