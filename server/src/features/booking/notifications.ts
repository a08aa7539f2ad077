import type { Types } from 'mongoose';
import type { Logger } from '../../logging/logger.js';
import type { NewNotification, NotificationsService } from '../notifications/service.js';
import type { PatientsService } from '../patients/service.js';
import type { AppointmentRecord, BookingModels, NotificationKind } from './model.js';

/**
 * Messages to patients about their bookings. The notifications feature records them (the app's
 * 消息) and sends the WeChat subscribe message when the account allowed it; this adapter adds
 * what the template fields need, read from the appointment, and tells every account that holds
 * the patient (家人代办): the booking account, the owner and its current proxies — one message
 * each, so each reads its own, and WeChat only under each account's own consent.
 */
export interface Notifier {
  send(
    to: { accountId: Types.ObjectId; patientId: Types.ObjectId; appointmentId?: Types.ObjectId | null },
    kind: NotificationKind,
    title: string,
    body: string,
  ): Promise<void>;
}

/** Where booking's messages go: the notifications feature. */
export interface BookingNotificationDeps {
  notifications: Pick<NotificationsService, 'notify'>;
}

/** A notifier over the notifications service; a failure is logged, never thrown. */
export function createNotifier(
  models: BookingModels,
  notifications: BookingNotificationDeps['notifications'],
  patients: Pick<PatientsService, 'accountsHolding'>,
  logger: Logger,
): Notifier {
  /** The booking account first, then the others holding the patient, each once. */
  const recipients = async (to: { accountId: Types.ObjectId; patientId: Types.ObjectId }, kind: NotificationKind): Promise<string[]> => {
    const booking = to.accountId.toHexString();
    try {
      return [...new Set([booking, ...(await patients.accountsHolding(to.patientId.toHexString()))])];
    } catch (error) {
      // The booking account is told at least; the others miss this one message.
      logger.warn({ err: error, kind }, 'could not find the accounts holding the patient of a notification');
      return [booking];
    }
  };

  return {
    async send(to, kind, title, body) {
      let facts: NewNotification['facts'] = { patientName: '' };
      try {
        const appointment = to.appointmentId ? await models.raw.appointments.findOne({ _id: to.appointmentId }) : null;
        if (appointment) facts = factsOf(appointment, kind);
      } catch (error) {
        logger.warn({ err: error, kind }, 'could not read the appointment of a notification');
      }
      // One after another, the booking account's copy first (each notify logs its own failure).
      for (const accountId of await recipients(to, kind)) {
        await notifications.notify({ accountId, patientId: to.patientId, appointmentId: to.appointmentId ?? null, kind, title, body, facts });
      }
    },
  };
}

/** The template facts of an appointment. */
function factsOf(appointment: AppointmentRecord, kind: NotificationKind): NewNotification['facts'] {
  const refunded = appointment.refund !== null || kind === 'cancelled_refunded';
  return {
    patientName: appointment.patientName,
    visitAt: appointment.start,
    visitWith: `${appointment.department.name} ${appointment.doctor.name}`,
    ...(refunded ? { amountFen: appointment.refund?.amount ?? appointment.amount } : {}),
    ...(kind === 'waitlist_offer' ? { payBy: appointment.payBy } : {}),
  };
}
