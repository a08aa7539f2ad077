import type { BookingChannel } from '@careloop/shared/contracts/appointments';
import type { Filter } from 'mongodb';
import { activeLimitReached, duplicateDoctorDay } from './errors.js';
import type { BookingModels, InventorySlotRecord, PatientClaimsRecord } from './model.js';

/**
 * The two atomic steps that make a booking safe under any concurrency, each ONE conditional
 * update of ONE document:
 *
 * - **the place**: `findOneAndUpdate({ _id: slot, taken < capacity, open, not closed, channel
 *   allowed, not stopped }, { $inc: { taken: 1 } })` — the database applies it to one document at
 *   a time, so however many requests race for a slot, no more than `capacity` get it;
 * - **the patient's claim**: `findOneAndUpdate({ _id: patient, fewer than N active, none with
 *   this doctor this day }, { $push })` — the per-patient rules hold under racing requests too.
 *
 * Releasing is the reverse `$inc`/`$pull`, guarded so it can only undo what was done.
 */

/** The filter a place can be held under: every rule of `slotAvailability` except the patient's. */
export function holdFilter(slotId: string, channel: BookingChannel, now: Date, closeMinutesBefore: number): Filter<InventorySlotRecord> {
  const channelRule: Filter<InventorySlotRecord> =
    channel === 'public'
      ? { $or: [{ channel: 'public' }, { channel: 'referral', releaseAt: { $lte: now } }] }
      : channel === 'referral'
        ? { channel: { $in: ['referral', 'public'] } }
        : { channel: { $in: ['priority', 'public'] } };
  return {
    _id: slotId,
    stopped: false,
    opensAt: { $lte: now },
    start: { $gt: new Date(now.getTime() + closeMinutesBefore * 60_000) },
    $expr: { $lt: ['$taken', '$capacity'] },
    ...channelRule,
  };
}

/** Takes one place of a slot, or null when the filter does not match (the place is gone). */
export async function holdPlace(
  models: BookingModels,
  slotId: string,
  channel: BookingChannel,
  now: Date,
  closeMinutesBefore: number,
): Promise<InventorySlotRecord | null> {
  return models.raw.slots.findOneAndUpdate(holdFilter(slotId, channel, now, closeMinutesBefore), { $inc: { taken: 1 } }, {
    returnDocument: 'after',
  }) as Promise<InventorySlotRecord | null>;
}

/** Gives one place back (never below zero). */
export async function releasePlace(models: BookingModels, slotId: string): Promise<void> {
  await models.raw.slots.updateOne({ _id: slotId, taken: { $gt: 0 } }, { $inc: { taken: -1 } });
}

/**
 * Gives a place back because the hospital says someone else has the slot (taken at its window):
 * no place is left to sell until the hospital frees it again (the next sync sees that).
 */
export async function releaseTakenElsewhere(models: BookingModels, slotId: string): Promise<void> {
  await models.raw.slots.updateOne({ _id: slotId, taken: { $gt: 0 } }, { $inc: { taken: -1 }, $set: { capacity: 0, hospitalStatus: 'busy' } });
}

/** One active appointment as the claims count it. */
export interface ClaimEntry {
  appointmentId: string;
  doctorId: string;
  date: string;
  start: Date;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * Records an active appointment for the patient if the per-patient rules allow it, atomically:
 * at most `maxActive` active appointments, one per doctor per day. Visits already started stop
 * counting. Throws `duplicate_doctor_day` / `active_limit_reached`.
 */
export async function claimForPatient(models: BookingModels, patientId: string, entry: ClaimEntry, maxActive: number, now: Date): Promise<void> {
  const claims = models.raw.claims;
  await claims.updateOne({ _id: patientId, 'active.start': { $lte: now } }, { $pull: { active: { start: { $lte: now } } } });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const claimed = await claims.findOneAndUpdate(
        {
          _id: patientId,
          [`active.${maxActive - 1}`]: { $exists: false },
          active: { $not: { $elemMatch: { doctorId: entry.doctorId, date: entry.date } } },
        },
        { $push: { active: entry }, $setOnInsert: { offer: null } },
        { upsert: true, returnDocument: 'after' },
      );
      if (claimed) return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // The document exists and the rules refused (or a racing first claim created it): which rule?
      const current = (await claims.findOne({ _id: patientId })) as PatientClaimsRecord | null;
      if (current?.active.some((a) => a.doctorId === entry.doctorId && a.date === entry.date)) throw duplicateDoctorDay();
      if (current && current.active.length >= maxActive) throw activeLimitReached(maxActive);
    }
  }
  throw activeLimitReached(maxActive);
}

/** Forgets an appointment in the patient's claims (it ended: cancelled, expired, visited). */
export async function unclaimForPatient(models: BookingModels, patientId: string, appointmentId: string): Promise<void> {
  await models.raw.claims.updateOne({ _id: patientId }, { $pull: { active: { appointmentId } } });
}
