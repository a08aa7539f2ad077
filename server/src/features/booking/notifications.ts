import { Types } from 'mongoose';
import type { Logger } from '../../logging/logger.js';
import type { BookingModels, NotificationRecord } from './model.js';

/**
 * Messages to patients about their bookings, recorded in `notifications` (what the app's message
 * list will show). WeChat subscribe messages are not sent yet: they need the patient's consent
 * per send (subscribe feature); this is where they will be dispatched from.
 */
export interface Notifier {
  send(
    to: { accountId: Types.ObjectId; patientId: Types.ObjectId; appointmentId?: Types.ObjectId | null },
    kind: NotificationRecord['kind'],
    title: string,
    body: string,
  ): Promise<void>;
}

/** A notifier writing to the `notifications` collection; a failed write is logged, never thrown. */
export function createNotifier(models: BookingModels, now: () => Date, logger: Logger): Notifier {
  return {
    async send(to, kind, title, body) {
      try {
        await models.raw.notifications.insertOne({
          _id: new Types.ObjectId(),
          accountId: to.accountId,
          patientId: to.patientId,
          appointmentId: to.appointmentId ?? null,
          kind,
          title,
          body,
          createdAt: now(),
        });
      } catch (error) {
        logger.error({ err: error, kind }, 'could not record a patient notification');
      }
    },
  };
}
