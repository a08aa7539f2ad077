import { createHash } from 'node:crypto';
import { PRIORITY_ELDERLY_AGE, type PriorityReason, type StaffAppointment, type StaffAppointmentCreate } from '@careloop/shared/contracts/sessions';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import { parseResidentId } from '@careloop/shared/domain/id-card';
import { maskIdNumber } from '@careloop/shared/domain/masking';
import { Types } from 'mongoose';
import { AppError } from '../../http/errors.js';
import { CareLoopFhir } from '../../integrations/hospital/fhir/codes.js';
import type { AuditService } from '../audit/service.js';
import { hospitalResidentIdIndex } from '../patients/service.js';
import type { AuthenticatedStaff } from '../staff-auth/index.js';
import type { BookingContext } from './context.js';
import { slotNotFound, slotUnavailable } from './errors.js';
import { endRegistrationFailed } from './registration.js';
import type { AppointmentRecord, InventorySlotRecord, StaffBookedRecord } from './model.js';
import { rulesFor } from './settings.js';
import { shanghaiIso, shanghaiText } from './shanghai.js';

/**
 * The priority channel (优先号): a scheduler books a priority place for an elderly (65+ on the
 * visit date) or disabled patient who phones or comes to the desk. The patient is the
 * hospital's — found in the hospital MPI by the blind index of the resident ID — and, when a
 * CareLoop 就诊人 is linked to that MPI id, the appointment is that 就诊人's (the family sees it
 * under 预约 and may cancel it). The place is taken with the same conditional update as online
 * booking (never oversold), the per-patient rules apply, and the slot is locked and confirmed at
 * the hospital at once: nothing is paid online, the fee is paid at the hospital window.
 */

/** Roles that book priority places: the institution's schedulers and its admin. */
export const priorityBookers: readonly StaffRole[] = ['scheduler', 'institution_admin'];

/** Audit resource of a staff-booked priority appointment. */
export const PRIORITY_AUDIT_RESOURCE = 'appointment.priority';

/** What staff booking needs beyond the booking context. */
export interface StaffBookingDeps {
  audit: Pick<AuditService, 'record'>;
  /** HMAC key of the hospitals' resident-id index (config `HOSPITAL_MPI_INDEX_KEY`). */
  mpiIndexKey: string;
}

/** Staff booking of priority places. */
export interface StaffBooking {
  book(staff: AuthenticatedStaff, input: StaffAppointmentCreate, requestId: string): Promise<AppointmentRecord>;
}

/** 422: the patient does not qualify for the priority channel's elderly places. */
export function priorityNotEligible(age: number): AppError {
  return new AppError(
    'priority_not_eligible',
    422,
    `老年人优先号仅限就诊当日年满${PRIORITY_ELDERLY_AGE}周岁的患者，该患者就诊当日${age}周岁`,
    { details: { rule: 'elderly_min_age', minAge: PRIORITY_ELDERLY_AGE, age } },
  );
}

/** Full years between a birth date and a visit date (both YYYY-MM-DD, calendar dates). */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/**
 * The key a hospital patient without a linked 就诊人 is known under (claims, `patientId`,
 * `accountId`): derived from the keyed blind index, so the same person always gets the same
 * key and the ID number cannot be read back from it.
 */
export function unlinkedKey(residentIndex: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`priority:${residentIndex}`).digest('hex').slice(0, 24));
}

const REASON_TEXT: Record<PriorityReason, string> = { elderly: '老年人', disabled: '残疾人' };

function inScope(staff: AuthenticatedStaff, institutionId: string): boolean {
  return staff.institutionId === institutionId;
}

/** Creates staff booking on the booking context. */
export function createStaffBooking(ctx: BookingContext, deps: StaffBookingDeps): StaffBooking {
  const { models, hospital, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  /** The hospital refused or failed to confirm: the appointment ends, its place goes back. */
  const abandon = async (appointment: AppointmentRecord): Promise<void> => {
    const ended = await endRegistrationFailed(models, appointment._id, clock.now(), '医院挂号未成功，未产生费用');
    if (ended) await ctx.lifecycle.settle(appointment._id);
  };

  return {
    async book(staff, input, requestId) {
      const now = clock.now();
      const slot = (await models.raw.slots.findOne({ _id: input.slotId })) as InventorySlotRecord | null;
      if (!slot || !inScope(staff, slot.institutionId)) throw slotNotFound();
      if (slot.channel !== 'priority') throw slotUnavailable('该号源不是优先号，请选择其他时段');

      const resident = parseResidentId(input.patient.idNumber, now);
      if (!resident.ok) throw new AppError('validation_failed', 400, resident.message, { details: { field: 'patient.idNumber' } });
      if (input.reason === 'elderly') {
        const age = ageOn(resident.value.birthDate, slot.date);
        if (age < PRIORITY_ELDERLY_AGE) throw priorityNotEligible(age);
      }

      // The patient as the hospital knows them, and the 就诊人 linked to them in CareLoop if any.
      const residentIndex = hospitalResidentIdIndex(deps.mpiIndexKey, resident.value.number);
      const mpi = await hospital.findPatient(CareLoopFhir.residentIdBlindIndexSystem, residentIndex);
      const linked = mpi ? await ctx.patients.linkedToHospitalPatient(mpi.id) : null;
      const key = unlinkedKey(residentIndex).toHexString();
      const patient = {
        accountId: linked?.ownerAccountId ?? key,
        id: linked?.id ?? key,
        name: input.patient.name,
        hospitalPatientId: mpi?.id ?? key,
      };

      // Recorded before the write: a booking the audit log missed never happens (503).
      await deps.audit.record({
        requestId,
        actor: { staffId: staff.id, role: staff.role, institutionId: staff.institutionId },
        patientId: linked?.id ?? (mpi ? `mpi:${mpi.id}` : `priority:${key}`),
        action: 'write',
        resource: PRIORITY_AUDIT_RESOURCE,
        result: { outcome: 'allowed', rule: 'institution_staff', reason: null },
      });

      const rules = rulesFor(ctx.settings, slot.institutionId);
      const doctor = await ctx.inventory.doctor(slot.doctorId);
      const held = await ctx.turns.take(slot._id, () =>
        ctx.lifecycle.hold({ patient, slot, doctor, channel: 'priority', bookedBy: 'staff', payWithinMinutes: rules.payWithinMinutes }),
      );

      const staffBooked: StaffBookedRecord = {
        staffId: staff.id,
        staffRole: staff.role,
        reason: input.reason,
        note: input.note ?? null,
        idNumberMasked: maskIdNumber(resident.value.number),
        linked: linked !== null,
        payment: 'at_window',
      };
      const confirming = (await Appointments.findOneAndUpdate(
        { _id: held._id, status: 'pending_payment', 'hospital.lock': 'locked' },
        { $set: { status: 'confirming', 'hospital.registration': 'confirming', staffBooked, updatedAt: clock.now() } },
        { returnDocument: 'after' },
      )) as AppointmentRecord | null;
      if (!confirming || confirming.hospital.registrationId === null) throw slotUnavailable();

      try {
        await hospital.confirmRegistration(confirming.hospital.registrationId);
      } catch (error) {
        logger.warn({ err: error, appointmentId: held._id.toHexString() }, 'priority booking: the hospital did not confirm; place released');
        await abandon(confirming);
        throw error;
      }
      const confirmedAt = clock.now();
      const booked = (await Appointments.findOneAndUpdate(
        { _id: held._id, status: 'confirming' },
        { $set: { status: 'booked', 'hospital.registration': 'confirmed', 'hospital.confirmedAt': confirmedAt, updatedAt: confirmedAt } },
        { returnDocument: 'after' },
      )) as AppointmentRecord | null;
      if (!booked) throw slotUnavailable();

      logger.info(
        { appointmentId: booked._id.toHexString(), slotId: slot._id, staffId: staff.id, reason: input.reason, linked: linked !== null },
        'priority place booked by staff',
      );
      if (linked) {
        await ctx.notifier.send(
          { accountId: booked.accountId, patientId: booked.patientId, appointmentId: booked._id },
          'booking_confirmed',
          '预约成功',
          `医院工作人员已为${booked.patientName}预约${shanghaiText(booked.start)} ${booked.institution.name} ${booked.department.name} ${booked.doctor.name}（${REASON_TEXT[input.reason]}优先号），就诊序号${booked.queueNumber}，挂号费请到医院窗口缴纳，请提前30分钟到院签到。`,
        );
      }
      return booked;
    },
  };
}

/** A staff-booked priority appointment as the staff page shows it. */
export function presentStaffAppointment(appointment: AppointmentRecord): StaffAppointment {
  const staffBooked = appointment.staffBooked!;
  return {
    id: appointment._id.toHexString(),
    status: 'booked',
    channel: 'priority',
    reason: staffBooked.reason,
    patient: { name: appointment.patientName, idNumberMasked: staffBooked.idNumberMasked },
    doctor: { id: appointment.doctorId, name: appointment.doctor.name, titleText: appointment.doctor.titleText },
    department: { id: appointment.departmentId, name: appointment.department.name },
    institution: { id: appointment.institutionId, name: appointment.institution.name },
    sessionId: appointment.sessionId,
    slotId: appointment.slotId,
    start: shanghaiIso(appointment.start),
    end: shanghaiIso(appointment.end),
    queueNumber: appointment.queueNumber,
    amount: appointment.amount,
    payment: 'at_window',
    hospitalRegistration: 'confirmed',
    createdAt: shanghaiIso(appointment.createdAt),
  };
}
