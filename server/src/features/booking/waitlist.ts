import type { WaitlistJoin } from '@careloop/shared/contracts/appointments';
import { Types } from 'mongoose';
import type { BookingContext } from './context.js';
import { waitlistClosed, waitlistEntryNotFound, waitlistExists, waitlistNotNeeded } from './errors.js';
import type { AppointmentRecord, InventorySlotRecord, WaitlistRecord } from './model.js';
import { WAITLIST_INDEX } from './model.js';
import { bookingPatient } from './patient-ref.js';
import { opensAtFor, slotAvailability } from './rules.js';
import { rulesFor } from './settings.js';
import { shanghaiText } from './shanghai.js';

/**
 * The waitlist (候补): patients wait for a full doctor's day (or any doctor of a department that
 * day), first come first served. A released place goes to the first waiting patient as a held
 * appointment with a short pay window and a notification; if it is not paid in time it expires
 * like any hold and the place goes to the next. A patient holds at most one offer at a time
 * (`offer` in the patient's claims, set atomically), and an entry is offered once (its status
 * moves `waiting → offering` in one conditional update), so two releases never offer twice.
 */
export interface Waitlist {
  join(accountId: string, input: WaitlistJoin): Promise<WaitlistView>;
  list(accountId: string): Promise<WaitlistView[]>;
  cancel(accountId: string, entryId: string): Promise<void>;
  /** Hands a place being released to the first waiting patient; false when nobody takes it. */
  offerReleasedPlace(slotId: string): Promise<boolean>;
  /** The offered appointment ended (paid → booked, expired, cancelled): the entry follows. */
  offerEnded(appointment: AppointmentRecord, outcome: 'booked' | 'expired' | 'cancelled'): Promise<void>;
}

/** An entry with its place in the queue (while waiting). */
export interface WaitlistView {
  entry: WaitlistRecord;
  position: number | null;
}

function isDuplicateOn(error: unknown, index: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === 11000 && typeof e.message === 'string' && e.message.includes(index);
}

/** Creates the waitlist on the booking context. */
export function createWaitlist(ctx: BookingContext): Waitlist {
  const { models, clock, logger } = ctx;
  const Entries = models.raw.waitlist;

  const positionOf = async (entry: WaitlistRecord): Promise<number | null> => {
    if (entry.status !== 'waiting') return null;
    const ahead = await Entries.countDocuments({
      date: entry.date,
      doctorId: entry.doctorId,
      departmentId: entry.departmentId,
      status: 'waiting',
      $or: [{ createdAt: { $lt: entry.createdAt } }, { createdAt: entry.createdAt, _id: { $lt: entry._id } }],
    });
    return ahead + 1;
  };

  const departmentInstitution = async (departmentId: string): Promise<string | null> => {
    const institutions = await ctx.directory.listInstitutions();
    for (const institution of institutions.items) {
      const departments = await ctx.directory.listDepartments(institution._id);
      if (departments.items.some((d) => d._id === departmentId)) return institution._id;
    }
    return null;
  };

  const releaseOfferClaim = async (patientId: Types.ObjectId, entryId: Types.ObjectId): Promise<void> => {
    await models.raw.claims.updateOne({ _id: patientId.toHexString(), offer: entryId.toHexString() }, { $set: { offer: null } });
  };

  const offerTo = async (slot: InventorySlotRecord, entry: WaitlistRecord): Promise<'offered' | 'skip' | 'place_handled'> => {
    const now = clock.now();
    const offering = await Entries.findOneAndUpdate({ _id: entry._id, status: 'waiting' }, { $set: { status: 'offering', updatedAt: now } });
    if (!offering) return 'skip';
    const patientKey = entry.patientId.toHexString();
    try {
      const claimed = await models.raw.claims.findOneAndUpdate(
        { _id: patientKey, offer: null },
        { $set: { offer: entry._id.toHexString() }, $setOnInsert: { active: [] } },
        { upsert: true, returnDocument: 'after' },
      );
      if (!claimed) throw Object.assign(new Error('holds an offer'), { code: 11000 });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
      // Already holds an offer for another day or doctor: stays in the queue, the next one gets it.
      await Entries.updateOne({ _id: entry._id, status: 'offering' }, { $set: { status: 'waiting', updatedAt: clock.now() } });
      return 'skip';
    }
    const rules = rulesFor(ctx.settings, slot.institutionId);
    try {
      const doctor = await ctx.inventory.doctor(slot.doctorId);
      const appointment = await ctx.lifecycle.hold({
        patient: { accountId: entry.accountId.toHexString(), id: patientKey, name: entry.patientName, hospitalPatientId: entry.hospitalPatientId },
        slot,
        doctor,
        channel: 'public',
        bookedBy: 'waitlist',
        payWithinMinutes: rules.waitlistPayWithinMinutes,
        transferred: true,
        waitlistEntryId: entry._id,
      });
      await Entries.updateOne(
        { _id: entry._id, status: 'offering' },
        { $set: { status: 'offered', offer: { appointmentId: appointment._id, payBy: appointment.payBy }, updatedAt: clock.now() } },
      );
      await ctx.notifier.send(
        { accountId: entry.accountId, patientId: entry.patientId, appointmentId: appointment._id },
        'waitlist_offer',
        '候补成功，请尽快支付',
        `${entry.patientName}候补的${shanghaiText(appointment.start)} ${appointment.department.name} ${appointment.doctor.name}已为您保留，请在${shanghaiText(appointment.payBy)}前完成支付，逾期号源将转给下一位候补。`,
      );
      logger.info({ entryId: entry._id.toHexString(), appointmentId: appointment._id.toHexString() }, 'waitlist offer made');
      return 'offered';
    } catch (error) {
      await Entries.updateOne({ _id: entry._id, status: 'offering' }, { $set: { status: 'waiting', updatedAt: clock.now() } });
      await releaseOfferClaim(entry.patientId, entry._id);
      const code = (error as { code?: unknown }).code;
      // The patient's own rules refused (already booked that doctor that day, too many): next one.
      if (code === 'duplicate_doctor_day' || code === 'active_limit_reached') return 'skip';
      // Anything later (the hospital refused or did not answer) dealt with the place itself.
      logger.warn({ err: error, entryId: entry._id.toHexString() }, 'waitlist offer failed');
      return 'place_handled';
    }
  };

  return {
    async join(accountId, input) {
      const patient = await bookingPatient(ctx.patients, accountId, input.patientId);
      const now = clock.now();
      let departmentId: string;
      let institutionId: string;
      if (input.doctorId !== undefined) {
        const day = await ctx.inventory.day(input.doctorId, input.date);
        const rules = rulesFor(ctx.settings, day.doctor.institutionId);
        if (now.getTime() < opensAtFor(input.date, rules).getTime()) {
          throw waitlistClosed(`该日尚未放号，${shanghaiText(opensAtFor(input.date, rules))}放号后可直接预约`);
        }
        const views = day.slots.map((slot) => slotAvailability(slot, now, rules, 'public'));
        if (views.some((v) => v.bookable)) throw waitlistNotNeeded();
        if (!views.some((v) => !v.bookable && (v.reason === 'booked_out' || v.reason === 'referral_reserved' || v.reason === 'priority_reserved'))) {
          throw waitlistClosed('该医生当天已停诊或已停止预约，无法候补');
        }
        departmentId = day.doctor.departmentId;
        institutionId = day.doctor.institutionId;
      } else {
        departmentId = input.departmentId!;
        const found = await departmentInstitution(departmentId);
        if (found === null) throw waitlistClosed('未找到该科室，请返回科室列表重新选择');
        institutionId = found;
      }
      const entry: WaitlistRecord = {
        _id: new Types.ObjectId(),
        accountId: new Types.ObjectId(accountId),
        patientId: new Types.ObjectId(patient.id),
        patientName: patient.name,
        hospitalPatientId: patient.hospitalPatientId,
        date: input.date,
        doctorId: input.doctorId ?? null,
        departmentId,
        institutionId,
        status: 'waiting',
        offer: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await Entries.insertOne(entry);
      } catch (error) {
        if (isDuplicateOn(error, WAITLIST_INDEX)) throw waitlistExists();
        throw error;
      }
      return { entry, position: await positionOf(entry) };
    },

    async list(accountId) {
      const patients = await ctx.patients.list(accountId);
      const entries = (await Entries.find({ patientId: { $in: patients.map((p) => new Types.ObjectId(p.id)) } })
        .sort({ createdAt: -1, _id: -1 })
        .limit(100)
        .toArray()) as WaitlistRecord[];
      return Promise.all(entries.map(async (entry) => ({ entry, position: await positionOf(entry) })));
    },

    async cancel(accountId, entryId) {
      if (!/^[0-9a-f]{24}$/i.test(entryId)) throw waitlistEntryNotFound();
      const entry = (await Entries.findOne({ _id: new Types.ObjectId(entryId) })) as WaitlistRecord | null;
      if (!entry) throw waitlistEntryNotFound();
      await ctx.patients.authorize(accountId, entry.patientId.toHexString(), 'write').catch((error: unknown) => {
        if ((error as { status?: unknown }).status === 404) throw waitlistEntryNotFound();
        throw error;
      });
      const cancelled = await Entries.findOneAndUpdate(
        { _id: entry._id, status: { $in: ['waiting', 'offered'] } },
        { $set: { status: 'cancelled', updatedAt: clock.now() } },
      );
      if (!cancelled || entry.status !== 'offered' || !entry.offer) return;
      // Giving up an offer gives up its unpaid hold: the place goes to the next in line.
      await releaseOfferClaim(entry.patientId, entry._id);
      const dropped = await models.raw.appointments.findOneAndUpdate(
        { _id: entry.offer.appointmentId, status: 'pending_payment', 'payment.status': 'unpaid' },
        {
          $set: {
            status: 'cancelled',
            cancelledAt: clock.now(),
            cancelReason: 'waitlist_cancelled',
            cancelReasonText: '您已取消候补，保留的号源已释放',
            updatedAt: clock.now(),
          },
        },
      );
      if (dropped) await ctx.lifecycle.settle(entry.offer.appointmentId);
    },

    async offerReleasedPlace(slotId) {
      const slot = (await models.raw.slots.findOne({ _id: slotId })) as InventorySlotRecord | null;
      if (!slot) return false;
      const rules = rulesFor(ctx.settings, slot.institutionId);
      // Only a place the public could book now goes to the waitlist (not a reserved or closing one).
      if (!slotAvailability({ ...slot, taken: 0, capacity: 1 }, clock.now(), rules, 'public').bookable) return false;
      const candidates = (await Entries.find({
        date: slot.date,
        status: 'waiting',
        $or: [{ doctorId: slot.doctorId }, { doctorId: null, departmentId: slot.departmentId }],
      })
        .sort({ createdAt: 1, _id: 1 })
        .limit(50)
        .toArray()) as WaitlistRecord[];
      for (const candidate of candidates) {
        const outcome = await offerTo(slot, candidate);
        if (outcome !== 'skip') return true;
      }
      return false;
    },

    async offerEnded(appointment, outcome) {
      if (!appointment.waitlistEntryId) return;
      const entryId = appointment.waitlistEntryId;
      const ended = await Entries.findOneAndUpdate(
        { _id: entryId, status: 'offered' },
        { $set: { status: outcome, updatedAt: clock.now() } },
      );
      await releaseOfferClaim(appointment.patientId, entryId);
      if (ended && outcome === 'expired') {
        await ctx.notifier.send(
          { accountId: appointment.accountId, patientId: appointment.patientId, appointmentId: appointment._id },
          'waitlist_offer_expired',
          '候补号源已失效',
          `${appointment.patientName}候补的${shanghaiText(appointment.start)} ${appointment.doctor.name}未在规定时间内支付，号源已转给下一位候补。`,
        );
      }
    },
  };
}
