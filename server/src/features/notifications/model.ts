import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { NotificationKind } from '@careloop/shared/contracts/notifications';

/**
 * Messages to patients (`notifications`): one record per message, listed in the app's 消息 and,
 * when the account allowed the template, sent as a WeChat subscribe message — what happened to
 * that send is kept on the record (`delivery`).
 */

/**
 * Where the WeChat copy of a message stands: `pending` while it is being sent, `sent`,
 * `no_consent` (the account has no subscribe consent in force for the template: nothing sent),
 * `failed` (WeChat refused or could not be reached; `error` says which, never the openid).
 */
export interface NotificationDelivery {
  wechat: 'pending' | 'sent' | 'no_consent' | 'failed';
  templateId: string | null;
  error: string | null;
  at: Date | null;
}

/** One message to an account about one of its 就诊人. */
export interface NotificationRecord {
  _id: Types.ObjectId;
  /**
   * The account told; only it lists (and reads) this record. A message about a shared 就诊人 is
   * recorded once per account holding it (the booking account, the owner, its proxies).
   */
  accountId: Types.ObjectId;
  patientId: Types.ObjectId;
  appointmentId: Types.ObjectId | null;
  kind: NotificationKind;
  title: string;
  body: string;
  createdAt: Date;
  /** Absent on messages recorded before reading was tracked: unread. */
  readAt?: Date | null;
  /** Absent on messages recorded before WeChat delivery existed. */
  delivery?: NotificationDelivery;
}

/** The notifications feature's models on one connection. */
export interface NotificationModels {
  Notification: Model<NotificationRecord>;
}

const notificationSchema = new Schema<NotificationRecord>(
  {
    accountId: Schema.Types.ObjectId,
    patientId: Schema.Types.ObjectId,
    appointmentId: { type: Schema.Types.ObjectId, default: null },
    kind: String,
    title: String,
    body: String,
    createdAt: Date,
    readAt: { type: Date, default: null },
    delivery: {
      _id: false,
      wechat: String,
      templateId: { type: String, default: null },
      error: { type: String, default: null },
      at: { type: Date, default: null },
    },
  },
  { versionKey: false, collection: 'notifications' },
);
notificationSchema.index({ accountId: 1, createdAt: -1, _id: -1 });
notificationSchema.index({ accountId: 1, readAt: 1 });
notificationSchema.index({ appointmentId: 1 });

/** Registers the notification model on a connection (idempotent) and builds its indexes. */
export async function createNotificationModels(connection: Connection): Promise<NotificationModels> {
  const models: NotificationModels = {
    Notification: (connection.models.Notification as Model<NotificationRecord> | undefined) ?? connection.model<NotificationRecord>('Notification', notificationSchema),
  };
  await models.Notification.createIndexes();
  return models;
}
