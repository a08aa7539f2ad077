import type { AnyBulkWriteOperation } from 'mongodb';
import { isHospitalError } from '../../http/hospital-errors.js';
import type { HospitalSlot } from '../../integrations/hospital/port.js';
import { assignChannels, expertTitles, reservedCounts } from './channels.js';
import type { BookingContext } from './context.js';
import { doctorNotFound } from './errors.js';
import type { BookingDoctorRecord, InventorySlotRecord, SessionRecord } from './model.js';
import { opensAtFor, referralReleaseAt } from './rules.js';
import { rulesFor } from './settings.js';
import { addDays, periodOf, shanghaiDate, shanghaiDayStart } from './shanghai.js';

/**
 * The slot inventory: the hospital's slots of a doctor's day, mirrored into MongoDB with our
 * channel split and the places we hold, so the slot list answers from the database however many
 * patients look at once. A day is synced on first demand (the request waits), refreshed in the
 * background when older than `inventoryFreshMs`, and kept in step by the inventory job.
 */

/** A doctor's day as the slot list needs it. */
export interface InventoryDay {
  doctor: BookingDoctorRecord;
  slots: InventorySlotRecord[];
  sessions: SessionRecord[];
  /** The latest sync failed: counts may be out of date. */
  stale: boolean;
}

/** The inventory operations. */
export interface Inventory {
  /** The doctor's slots of a Shanghai date, syncing first when the day was never synced. */
  day(doctorId: string, date: string): Promise<InventoryDay>;
  /** Syncs one day from the hospital (concurrent calls for the same day share one run). */
  syncDay(doctorId: string, date: string): Promise<void>;
  /** The doctor as booking knows them (cached an hour); 404 when the hospital has no such doctor. */
  doctor(doctorId: string): Promise<BookingDoctorRecord>;
  /** Re-syncs every known day from today on (the inventory job); returns how many. */
  resyncKnownDays(): Promise<{ synced: number; failed: number }>;
}

const DOCTOR_TTL_MS = 3_600_000;

/** Creates the inventory on the booking context. */
export function createInventory(ctx: BookingContext): Inventory {
  const { models, hospital, clock, logger } = ctx;
  const inFlight = new Map<string, Promise<void>>();
  const doctorCache = new Map<string, { record: BookingDoctorRecord; at: number }>();

  const loadDoctor = async (doctorId: string): Promise<BookingDoctorRecord> => {
    const nowMs = clock.now().getTime();
    const cached = doctorCache.get(doctorId);
    if (cached && nowMs - cached.at < 60_000) return cached.record;
    const stored = await models.Doctor.findById(doctorId).lean<BookingDoctorRecord>().exec();
    if (stored && nowMs - stored.syncedAt.getTime() < DOCTOR_TTL_MS) {
      doctorCache.set(doctorId, { record: stored, at: nowMs });
      return stored;
    }
    try {
      const practitioner = await hospital.getPractitioner(doctorId);
      if (!practitioner) throw doctorNotFound();
      const institutions = await ctx.directory.listInstitutions();
      const institution = institutions.items.find((i) => i._id === practitioner.institutionId);
      const departments = await ctx.directory.listDepartments(practitioner.institutionId).catch(() => ({ items: [] }));
      const department = departments.items.find((d) => d._id === practitioner.departmentId);
      const record: BookingDoctorRecord = {
        _id: doctorId,
        name: practitioner.name,
        title: practitioner.title,
        titleText: practitioner.titleText,
        institutionId: practitioner.institutionId,
        departmentId: practitioner.departmentId,
        fee: practitioner.consultationFee,
        institution: { name: institution?.name ?? '', address: institution?.address ?? '' },
        department: { name: department?.name ?? '' },
        syncedAt: clock.now(),
      };
      await models.Doctor.replaceOne({ _id: doctorId }, record, { upsert: true });
      doctorCache.set(doctorId, { record, at: nowMs });
      return record;
    } catch (error) {
      // The hospital is down: a doctor we knew is still bookable from the cache.
      if (stored && isHospitalError(error)) return stored;
      throw error;
    }
  };

  const runSync = async (doctorId: string, date: string): Promise<void> => {
    const dayId = `${doctorId}|${date}`;
    try {
      const doctor = await loadDoctor(doctorId);
      const rules = rulesFor(ctx.settings, doctor.institutionId);
      const from = shanghaiDayStart(date);
      const to = shanghaiDayStart(addDays(date, 1));
      const slots = await hospital.listSlots(doctorId, from.toISOString(), to.toISOString());
      const now = clock.now();
      const byPeriod = new Map<'morning' | 'afternoon', HospitalSlot[]>();
      for (const slot of slots) {
        if (shanghaiDate(new Date(slot.start)) !== date) continue;
        const period = periodOf(new Date(slot.start));
        byPeriod.set(period, [...(byPeriod.get(period) ?? []), slot]);
      }
      const opensAt = opensAtFor(date, rules);
      const seen: string[] = [];
      for (const [period, group] of byPeriod) {
        // Places added to the session (加号) come after the regular ones: their queue numbers
        // follow the session's, and nobody's number moves when places are added.
        group.sort((a, b) => Number(a.overbooked === true) - Number(b.overbooked === true) || Date.parse(a.start) - Date.parse(b.start));
        const sessionId = `${doctorId}|${date}|${period}`;
        const start = new Date(Math.min(...group.map((slot) => Date.parse(slot.start))));
        const end = new Date(Math.max(...group.map((slot) => Date.parse(slot.end))));
        const session = await models.Session.findOneAndUpdate(
          { _id: sessionId },
          {
            $setOnInsert: { stopped: false, stoppedAt: null, stopReason: null, stoppedBy: null, createdAt: now },
            $set: {
              doctorId,
              date,
              period,
              institutionId: doctor.institutionId,
              departmentId: doctor.departmentId,
              expert: expertTitles.includes(doctor.title),
              fee: doctor.fee,
              start,
              end,
              updatedAt: now,
            },
          },
          { upsert: true, new: true },
        )
          .lean<SessionRecord>()
          .exec();
        const known = new Set(
          (await models.Slot.find({ sessionId }, { _id: 1 }).lean<Array<{ _id: string }>>().exec()).map((s) => s._id),
        );
        // A new session is split between the channels once; slots the hospital adds later are public.
        const channels =
          known.size === 0
            ? assignChannels(group.length, reservedCounts(group.length, { expert: session!.expert, departmentId: doctor.departmentId }, rules))
            : group.map(() => 'public' as const);
        const releaseAt = referralReleaseAt(start, rules);
        const ops: AnyBulkWriteOperation<InventorySlotRecord>[] = [];
        group.forEach((slot, i) => {
          const free = slot.status === 'free';
          seen.push(slot.id);
          ops.push({
            updateOne: {
              filter: { _id: slot.id },
              update: {
                $setOnInsert: {
                  sessionId,
                  doctorId,
                  institutionId: doctor.institutionId,
                  departmentId: doctor.departmentId,
                  date,
                  period,
                  channel: channels[i]!,
                  capacity: free ? 1 : 0,
                  taken: 0,
                  stopped: session!.stopped,
                },
                $set: {
                  start: new Date(slot.start),
                  end: new Date(slot.end),
                  seq: i + 1,
                  releaseAt,
                  opensAt,
                  hospitalStatus: slot.status,
                  fee: doctor.fee,
                  syncedAt: now,
                },
              },
              upsert: true,
            },
          });
          // Only a place nobody holds through us follows the hospital: busy there means taken
          // at the window (or by another channel); free again means it came back.
          ops.push({ updateOne: { filter: { _id: slot.id, taken: 0 }, update: { $set: { capacity: free ? 1 : 0 } } } });
        });
        await models.raw.slots.bulkWrite(ops, { ordered: true });
      }
      // Slots the hospital no longer lists for that day (schedule changed there).
      await models.Slot.updateMany(
        { doctorId, date, _id: { $nin: seen }, taken: 0 },
        { $set: { capacity: 0, hospitalStatus: 'gone', syncedAt: now } },
      );
      await models.Day.updateOne(
        { _id: dayId },
        { $set: { doctorId, date, syncedAt: now, lastFailureAt: null } },
        { upsert: true },
      );
      // Places may have come back at the hospital: what this instance remembered as gone is re-read.
      ctx.soldOut.forget(seen);
    } catch (error) {
      if (isHospitalError(error)) {
        await models.Day.updateOne(
          { _id: dayId },
          { $set: { doctorId, date, lastFailureAt: clock.now() }, $setOnInsert: { syncedAt: null } },
          { upsert: true },
        ).catch(() => {});
      }
      throw error;
    }
  };

  const syncDay = (doctorId: string, date: string): Promise<void> => {
    const key = `${doctorId}|${date}`;
    let running = inFlight.get(key);
    if (!running) {
      running = runSync(doctorId, date).finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return running;
  };

  return {
    async day(doctorId, date) {
      let record = await models.Day.findById(`${doctorId}|${date}`).lean().exec();
      if (!record?.syncedAt) {
        await syncDay(doctorId, date);
        record = await models.Day.findById(`${doctorId}|${date}`).lean().exec();
      } else if (clock.now().getTime() - record.syncedAt.getTime() > ctx.settings.inventoryFreshMs) {
        ctx.background.run('inventory refresh', () => syncDay(doctorId, date).catch((error: unknown) => {
          logger.warn({ err: error, doctorId, date }, 'slot inventory refresh failed; serving the stored day');
        }));
      }
      const doctor = await loadDoctor(doctorId);
      const [slots, sessions] = await Promise.all([
        models.Slot.find({ doctorId, date }).sort({ start: 1 }).lean<InventorySlotRecord[]>().exec(),
        models.Session.find({ doctorId, date }).sort({ start: 1 }).lean<SessionRecord[]>().exec(),
      ]);
      const stale = record?.lastFailureAt != null && (record.syncedAt === null || record.lastFailureAt >= record.syncedAt);
      return { doctor, slots, sessions, stale };
    },

    syncDay,
    doctor: loadDoctor,

    async resyncKnownDays() {
      const today = shanghaiDate(clock.now());
      const days = await models.Day.find({ date: { $gte: today } }).lean().exec();
      let synced = 0;
      let failed = 0;
      for (const day of days) {
        try {
          await syncDay(day.doctorId, day.date);
          synced += 1;
        } catch (error) {
          failed += 1;
          logger.warn({ err: error, doctorId: day.doctorId, date: day.date }, 'slot inventory sync failed');
        }
      }
      return { synced, failed };
    },
  };
}
