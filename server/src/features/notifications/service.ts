import type { NotificationKind, NotificationListQuery } from '@careloop/shared/contracts/notifications';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../http/time-cursor.js';
import type { Logger } from '../../logging/logger.js';
import type { WechatDelivery } from './delivery.js';
import { invalidNotificationCursor, notificationNotFound } from './errors.js';
import type { NotificationModels, NotificationRecord } from './model.js';
import type { MessageFacts } from './templates.js';

/** A message to record (and send on WeChat when allowed). */
export interface NewNotification {
  accountId: Types.ObjectId | string;
  patientId: Types.ObjectId | string;
  appointmentId?: Types.ObjectId | string | null;
  kind: NotificationKind;
  title: string;
  body: string;
  /** What the WeChat template's fields are filled from. */
  facts: MessageFacts;
}

/** A page of an account's messages. */
export interface NotificationPageView {
  items: NotificationRecord[];
  nextCursor: string | null;
  unreadCount: number;
}

/** Patient messages: recorded, listed, marked read, and sent on WeChat. */
export interface NotificationsService {
  /**
   * Records a message and, with the account's consent, sends its WeChat copy in the background.
   * Never throws (a message must not break what caused it): failures are logged and, for the
   * WeChat copy, kept on the record.
   */
  notify(input: NewNotification): Promise<void>;
  /** The account's messages, newest first, in cursor pages, with the unread count. */
  list(accountId: string, query: NotificationListQuery): Promise<NotificationPageView>;
  /** Marks the account's messages read (404 if any id is not the account's: then none is). */
  markRead(accountId: string, ids: readonly string[]): Promise<{ unreadCount: number }>;
  /** Marks every message of the account read. */
  markAllRead(accountId: string): Promise<{ unreadCount: number }>;
  /** Resolves when no WeChat send is in flight (shutdown, tests). */
  idle(): Promise<void>;
}

/** What the service needs. */
export interface NotificationsServiceDeps {
  models: NotificationModels;
  /** WeChat subscribe messages; absent: messages are only listed in the app. */
  wechat?: WechatDelivery;
  clock: Clock;
  logger: Logger;
}

const oid = (id: Types.ObjectId | string) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** The service on the `notifications` collection. */
export function createNotificationsService(deps: NotificationsServiceDeps): NotificationsService {
  const { Notification } = deps.models;
  const collection = Notification.collection;
  const inFlight = new Set<Promise<unknown>>();
  const unread = (account: Types.ObjectId) => Notification.countDocuments({ accountId: account, readAt: null });

  return {
    async notify(input) {
      const accountId = oid(input.accountId).toHexString();
      const appointmentId = input.appointmentId ? oid(input.appointmentId) : null;
      try {
        let delivery: NotificationRecord['delivery'] = { wechat: 'no_consent', templateId: null, error: null, at: deps.clock.now() };
        if (deps.wechat) {
          try {
            const reserved = await deps.wechat.reserve(accountId, input.kind);
            delivery = { wechat: reserved.consented ? 'pending' : 'no_consent', templateId: reserved.templateId, error: null, at: reserved.consented ? null : deps.clock.now() };
          } catch (error) {
            deps.logger.error({ err: error, kind: input.kind }, 'could not check the subscribe consent; message not sent on WeChat');
            delivery = { wechat: 'failed', templateId: null, error: 'consent_check_failed', at: deps.clock.now() };
          }
        }
        const record: NotificationRecord = {
          _id: new Types.ObjectId(),
          accountId: oid(input.accountId),
          patientId: oid(input.patientId),
          appointmentId,
          kind: input.kind,
          title: input.title,
          body: input.body,
          createdAt: deps.clock.now(),
          readAt: null,
          delivery,
        };
        await collection.insertOne(record);
        if (delivery.wechat !== 'pending' || !deps.wechat || !delivery.templateId) return;
        const wechat = deps.wechat;
        const templateId = delivery.templateId;
        const task = (async () => {
          const result = await wechat.send({ accountId, appointmentId: appointmentId?.toHexString() ?? null, kind: input.kind, templateId, facts: input.facts });
          await collection.updateOne({ _id: record._id }, { $set: { delivery: result } });
        })()
          .catch((error: unknown) => deps.logger.error({ err: error, kind: input.kind }, 'could not record a subscribe message delivery'))
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      } catch (error) {
        deps.logger.error({ err: error, kind: input.kind }, 'could not record a patient notification');
      }
    },

    async list(accountId, query) {
      const account = new Types.ObjectId(accountId);
      const filter: Record<string, unknown> = { accountId: account };
      if (query.cursor !== undefined) {
        const after = decodeTimeCursor(query.cursor);
        if (!after) throw invalidNotificationCursor();
        filter.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, _id: { $lt: after.id } }];
      }
      const [records, unreadCount] = await Promise.all([
        Notification.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).lean<NotificationRecord[]>(),
        unread(account),
      ]);
      const page = records.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page, nextCursor: records.length > query.limit && last ? encodeTimeCursor(last.createdAt, last._id) : null, unreadCount };
    },

    async markRead(accountId, ids) {
      const account = new Types.ObjectId(accountId);
      const wanted = [...new Set(ids)].map((id) => new Types.ObjectId(id));
      const mine = await Notification.countDocuments({ _id: { $in: wanted }, accountId: account });
      // All or nothing: someone else's id (or none at all) reads exactly like an unknown one.
      if (mine !== wanted.length) throw notificationNotFound();
      await Notification.updateMany({ _id: { $in: wanted }, accountId: account, readAt: null }, { $set: { readAt: deps.clock.now() } });
      return { unreadCount: await unread(account) };
    },

    async markAllRead(accountId) {
      const account = new Types.ObjectId(accountId);
      await Notification.updateMany({ accountId: account, readAt: null }, { $set: { readAt: deps.clock.now() } });
      return { unreadCount: 0 };
    },

    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
