import type { BookingChannel } from '@careloop/shared/contracts/appointments';
import { Types } from 'mongoose';
import { isHospitalSystemError } from '../../integrations/hospital/errors.js';
import type { BookingContext } from './context.js';
import { slotUnavailable } from './errors.js';
import { claimForPatient, holdPlace, releasePlace, releaseTakenElsewhere, unclaimForPatient } from './holds.js';
import type { AppointmentRecord, BookingDoctorRecord, InventorySlotRecord } from './model.js';
import { rulesFor } from './settings.js';

/**
 * The life of a held place: taking it (claim the patient's rules, hold the place, write the
 * appointment, lock the slot at the hospital) and giving it back (cancel at the hospital, then
 * release the place — to the first waiting patient if there is one). Giving back is idempotent
 * and resumable: whatever step failed (the hospital down) is retried by the settle job.
 */

/** Who a hold is for. */
export interface HoldPatient {
  accountId: string;
  id: string;
  name: string;
  /** The patient's id at the hospital (MPI id, or ours when not linked). */
  hospitalPatientId: string;
}

/** A hold to make. */
export interface HoldRequest {
  patient: HoldPatient;
  slot: InventorySlotRecord;
  doctor: BookingDoctorRecord;
  channel: BookingChannel;
  bookedBy: AppointmentRecord['bookedBy'];
  payWithinMinutes: number;
  /** The place is handed over already held (a waitlist offer): take no new one. */
  transferred?: boolean;
  waitlistEntryId?: Types.ObjectId;
}

/** Holding and releasing places. */
export interface Lifecycle {
  /**
   * Holds a place for a patient and locks it at the hospital. Throws the rule errors, 409
   * `slot_unavailable` (gone, or taken at the hospital), or the hospital's 503/504 when the lock's
   * outcome is unknown (the attempt is then recorded as cancelled and cleaned up by the settle job).
   */
  hold(request: HoldRequest): Promise<AppointmentRecord>;
  /** For an ended appointment: cancel at the hospital, then release its place (waitlist first). */
  settle(appointmentId: Types.ObjectId): Promise<void>;
  /** The settle job: every ended appointment still holding a place or a hospital registration. */
  settlePending(): Promise<number>;
}

const UNKNOWN_LOCK_TEXT = '医院系统未及时响应，本次预约未成功，未产生费用；请稍后重新预约';

/** Creates the lifecycle on the booking context. */
export function createLifecycle(ctx: BookingContext): Lifecycle {
  const { models, hospital, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  const hold: Lifecycle['hold'] = async (request) => {
    const { patient, slot, doctor } = request;
    const rules = rulesFor(ctx.settings, slot.institutionId);
    const now = clock.now();
    const id = new Types.ObjectId();
    await claimForPatient(
      models,
      patient.id,
      { appointmentId: id.toHexString(), doctorId: slot.doctorId, date: slot.date, start: slot.start },
      rules.maxActivePerPatient,
      now,
    );
    let held = slot;
    if (!request.transferred) {
      const taken = await holdPlace(models, slot._id, request.channel, now, rules.closeMinutesBefore);
      if (!taken) {
        ctx.soldOut.add(slot._id);
        await unclaimForPatient(models, patient.id, id.toHexString());
        throw slotUnavailable();
      }
      held = taken;
    }
    const record: AppointmentRecord = {
      _id: id,
      accountId: new Types.ObjectId(patient.accountId),
      patientId: new Types.ObjectId(patient.id),
      patientName: patient.name,
      hospitalPatientId: patient.hospitalPatientId,
      slotId: held._id,
      sessionId: held.sessionId,
      doctorId: held.doctorId,
      departmentId: held.departmentId,
      institutionId: held.institutionId,
      date: held.date,
      period: held.period,
      doctor: { name: doctor.name, titleText: doctor.titleText },
      department: { name: doctor.department.name },
      institution: { name: doctor.institution.name, address: doctor.institution.address },
      start: held.start,
      end: held.end,
      queueNumber: held.seq,
      channel: request.channel,
      bookedBy: request.bookedBy,
      amount: held.fee,
      status: 'pending_payment',
      payBy: new Date(now.getTime() + request.payWithinMinutes * 60_000),
      placeHeld: true,
      hospital: {
        lock: 'pending',
        registrationId: null,
        registration: 'none',
        attempts: 0,
        nextAttemptAt: null,
        deadline: null,
        lastError: null,
        confirmedAt: null,
        cancel: 'none',
      },
      payment: { status: 'unpaid', outTradeNo: null, orderedAt: null, transactionId: null, paidAt: null, paidAmount: null },
      refund: null,
      waitlistEntryId: request.waitlistEntryId ?? null,
      cancelledAt: null,
      cancelReason: null,
      cancelReasonText: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await Appointments.insertOne(record);
    } catch (error) {
      await releasePlace(models, held._id);
      ctx.soldOut.forget([held._id]);
      await unclaimForPatient(models, patient.id, id.toHexString());
      throw error;
    }

    try {
      const registration = await hospital.lockSlot(held._id, patient.hospitalPatientId, { idempotencyKey: id.toHexString() });
      const locked = await Appointments.findOneAndUpdate(
        { _id: id, 'hospital.lock': 'pending' },
        { $set: { 'hospital.lock': 'locked', 'hospital.registrationId': registration.id, updatedAt: clock.now() } },
        { returnDocument: 'after' },
      );
      return (locked ?? record) as AppointmentRecord;
    } catch (error) {
      if (isHospitalSystemError(error, 'hospital_conflict') || isHospitalSystemError(error, 'hospital_not_found')) {
        // Taken at the hospital's window (or gone there): nothing was held anywhere for this patient.
        await Appointments.deleteOne({ _id: id });
        await releaseTakenElsewhere(models, held._id);
        ctx.soldOut.add(held._id);
        await unclaimForPatient(models, patient.id, id.toHexString());
        throw slotUnavailable('该号源已在医院被预约，请选择其他时段');
      }
      // Time-out or failure: the lock may or may not have landed. The place stays held until the
      // settle job has made sure the hospital holds nothing for this attempt.
      logger.warn({ err: error, appointmentId: id.toHexString(), slotId: held._id }, 'hospital lock outcome unknown; cleaning up later');
      await Appointments.updateOne(
        { _id: id },
        {
          $set: {
            status: 'cancelled',
            'hospital.lock': 'unknown',
            'hospital.cancel': 'pending',
            cancelledAt: clock.now(),
            cancelReason: 'hospital_unreachable',
            cancelReasonText: UNKNOWN_LOCK_TEXT,
            updatedAt: clock.now(),
          },
        },
      );
      await unclaimForPatient(models, patient.id, id.toHexString());
      throw error;
    }
  };

  /** Makes sure the hospital holds nothing for an ended appointment; true when it does not. */
  const cancelAtHospital = async (appointment: AppointmentRecord): Promise<'done' | 'elsewhere' | 'failed'> => {
    const { lock, cancel } = appointment.hospital;
    if (cancel === 'done' || lock === 'none') return 'done';
    try {
      let registrationId = appointment.hospital.registrationId;
      if (registrationId === null) {
        // The lock's answer was lost: the same idempotency key finds (or makes) it, to cancel it.
        try {
          registrationId = (await hospital.lockSlot(appointment.slotId, appointment.hospitalPatientId, { idempotencyKey: appointment._id.toHexString() })).id;
        } catch (error) {
          if (!isHospitalSystemError(error, 'hospital_conflict') && !isHospitalSystemError(error, 'hospital_not_found')) throw error;
          // Someone else holds the slot there: our lock never landed.
          await Appointments.updateOne({ _id: appointment._id }, { $set: { 'hospital.cancel': 'done', updatedAt: clock.now() } });
          return 'elsewhere';
        }
      }
      await hospital.cancelRegistration(registrationId);
      await Appointments.updateOne(
        { _id: appointment._id },
        { $set: { 'hospital.cancel': 'done', 'hospital.registrationId': registrationId, updatedAt: clock.now() } },
      );
      return 'done';
    } catch (error) {
      logger.warn({ err: error, appointmentId: appointment._id.toHexString() }, 'cancelling at the hospital failed; will retry');
      await Appointments.updateOne({ _id: appointment._id }, { $set: { 'hospital.cancel': 'pending', updatedAt: clock.now() } });
      return 'failed';
    }
  };

  const settle: Lifecycle['settle'] = async (appointmentId) => {
    const appointment = (await Appointments.findOne({ _id: appointmentId })) as AppointmentRecord | null;
    if (!appointment || (appointment.status !== 'cancelled' && appointment.status !== 'expired')) return;
    await unclaimForPatient(models, appointment.patientId.toHexString(), appointment._id.toHexString());
    const hospitalSide = await cancelAtHospital(appointment);
    if (hospitalSide === 'failed' || !appointment.placeHeld) return;
    const released = await Appointments.findOneAndUpdate(
      { _id: appointmentId, placeHeld: true },
      { $set: { placeHeld: false, updatedAt: clock.now() } },
      { returnDocument: 'after' },
    );
    if (!released) return;
    if (hospitalSide === 'elsewhere') {
      await releaseTakenElsewhere(models, appointment.slotId);
      return;
    }
    const handedOver = await ctx.waitlist.offerReleasedPlace(appointment.slotId).catch((error: unknown) => {
      logger.error({ err: error, slotId: appointment.slotId }, 'waitlist offer failed; releasing the place to everyone');
      return false;
    });
    if (!handedOver) {
      await releasePlace(models, appointment.slotId);
      ctx.soldOut.forget([appointment.slotId]);
    }
  };

  return {
    hold,
    settle,
    async settlePending() {
      const pending = (await Appointments.find(
        {
          status: { $in: ['cancelled', 'expired'] },
          $or: [{ placeHeld: true }, { 'hospital.cancel': 'pending' }],
        },
        { projection: { _id: 1 } },
      )
        .limit(500)
        .toArray()) as Array<{ _id: Types.ObjectId }>;
      for (const { _id } of pending) await settle(_id);
      return pending.length;
    },
  };
}
