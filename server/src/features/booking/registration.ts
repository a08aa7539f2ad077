import type { Types } from 'mongoose';
import { isHospitalSystemError } from '../../integrations/hospital/errors.js';
import type { BookingContext } from './context.js';
import type { AppointmentRecord } from './model.js';
import { shanghaiText } from './shanghai.js';

/**
 * Registration at the hospital after payment: confirm the locked slot, retried with back-off
 * until `registrationDeadlineMinutes` after the payment. The first tries run right after the
 * notify (in the background: the notify is answered at once); later ones are the registration
 * job's, driven by `nextAttemptAt`. If the hospital still has not confirmed by the deadline —
 * or refuses for good (the lock was lost) — the patient is refunded in full, told so, and the
 * place is released: a patient never pays for a registration that does not exist.
 */
export interface Registration {
  /** Starts confirming a paid appointment (background, quick retries). */
  begin(appointmentId: Types.ObjectId): void;
  /** One attempt. */
  attempt(appointmentId: Types.ObjectId): Promise<'confirmed' | 'retry' | 'failed' | 'skipped'>;
  /** The registration job: every confirming appointment whose next attempt is due. */
  retryDue(): Promise<number>;
}

/** Back-off between the job's attempts: 5 s, 10 s, 20 s … at most a minute. */
function backoffMs(attempts: number): number {
  return Math.min(60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Ends a confirming appointment whose registration the hospital refused or never confirmed:
 * cancelled, the hospital side left for `settle` to cancel. Null when it was no longer
 * confirming (another path ended it first).
 */
export async function endRegistrationFailed(
  models: BookingContext['models'],
  appointmentId: Types.ObjectId,
  now: Date,
  cancelReasonText: string,
): Promise<AppointmentRecord | null> {
  return (await models.raw.appointments.findOneAndUpdate(
    { _id: appointmentId, status: 'confirming' },
    {
      $set: {
        status: 'cancelled',
        'hospital.registration': 'failed',
        'hospital.cancel': 'pending',
        cancelledAt: now,
        cancelReason: 'registration_failed',
        cancelReasonText,
        updatedAt: now,
      },
    },
    { returnDocument: 'after' },
  )) as AppointmentRecord | null;
}

/** Creates registration on the booking context. */
export function createRegistration(ctx: BookingContext, options: { quickRetryDelaysMs: readonly number[] }): Registration {
  const { models, hospital, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  const fail = async (appointment: AppointmentRecord, error: unknown): Promise<void> => {
    const failed = await endRegistrationFailed(models, appointment._id, clock.now(), '医院挂号未成功，挂号费已原路全额退还');
    if (!failed) return;
    logger.error(
      { err: error, appointmentId: failed._id.toHexString(), attempts: failed.hospital.attempts },
      'hospital registration failed; refunding the patient',
    );
    await ctx.refunds.request(failed, 'registration_failed', '医院挂号未成功，系统自动全额退款');
    await ctx.notifier.send(
      { accountId: failed.accountId, patientId: failed.patientId, appointmentId: failed._id },
      'registration_failed_refunded',
      '挂号未成功，已退款',
      `${failed.patientName}预约的${shanghaiText(failed.start)} ${failed.department.name} ${failed.doctor.name}，医院系统未能完成挂号，挂号费${(failed.amount / 100).toFixed(2)}元已原路退还，请重新预约。`,
    );
    await ctx.waitlist.offerEnded(failed, 'cancelled');
    await ctx.lifecycle.settle(failed._id);
  };

  const attempt: Registration['attempt'] = async (appointmentId) => {
    const appointment = (await Appointments.findOne({ _id: appointmentId, status: 'confirming' })) as AppointmentRecord | null;
    if (!appointment) return 'skipped';
    try {
      if (appointment.hospital.registrationId === null) throw new Error('no registration to confirm');
      await hospital.confirmRegistration(appointment.hospital.registrationId);
      const now = clock.now();
      const booked = (await Appointments.findOneAndUpdate(
        { _id: appointmentId, status: 'confirming' },
        { $set: { status: 'booked', 'hospital.registration': 'confirmed', 'hospital.confirmedAt': now, 'hospital.nextAttemptAt': null, updatedAt: now } },
        { returnDocument: 'after' },
      )) as AppointmentRecord | null;
      if (booked) {
        await ctx.notifier.send(
          { accountId: booked.accountId, patientId: booked.patientId, appointmentId: booked._id },
          'booking_confirmed',
          '预约成功',
          `${booked.patientName}已预约${shanghaiText(booked.start)} ${booked.institution.name} ${booked.department.name} ${booked.doctor.name}，就诊序号${booked.queueNumber}，请提前30分钟到院签到。`,
        );
      }
      return 'confirmed';
    } catch (error) {
      const now = clock.now();
      const permanent = isHospitalSystemError(error, 'hospital_conflict') || isHospitalSystemError(error, 'hospital_not_found');
      const deadline = appointment.hospital.deadline;
      if (permanent || (deadline !== null && now.getTime() >= deadline.getTime())) {
        await fail(appointment, error);
        return 'failed';
      }
      const attempts = appointment.hospital.attempts + 1;
      await Appointments.updateOne(
        { _id: appointmentId, status: 'confirming' },
        {
          $set: {
            'hospital.attempts': attempts,
            'hospital.nextAttemptAt': new Date(now.getTime() + backoffMs(attempts)),
            'hospital.lastError': isHospitalSystemError(error) ? error.code : 'error',
            updatedAt: now,
          },
        },
      );
      logger.warn({ err: error, appointmentId: appointmentId.toHexString(), attempts }, 'hospital registration failed; retrying');
      return 'retry';
    }
  };

  return {
    begin(appointmentId) {
      ctx.background.run('registration', async () => {
        for (let i = 0; ; i++) {
          const outcome = await attempt(appointmentId);
          if (outcome !== 'retry' || i >= options.quickRetryDelaysMs.length) return;
          await sleep(options.quickRetryDelaysMs[i]!);
        }
      });
    },

    attempt,

    async retryDue() {
      const due = (await Appointments.find(
        { status: 'confirming', 'hospital.nextAttemptAt': { $lte: clock.now() } },
        { projection: { _id: 1 } },
      )
        .limit(200)
        .toArray()) as Array<{ _id: Types.ObjectId }>;
      for (const { _id } of due) await attempt(_id);
      return due.length;
    },
  };
}
