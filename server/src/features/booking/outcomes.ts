import type { Registration as HospitalRegistration } from '../../integrations/hospital/port.js';
import type { BookingContext } from './context.js';
import { unclaimForPatient } from './holds.js';
import type { AppointmentRecord } from './model.js';

/**
 * Visit outcomes: after a booked visit has ended, the hospital records whether the patient was
 * seen (`completed`) or did not come (`no_show`); this copies that onto our appointment, which
 * is what the no-show rule counts and what the 预约 tab's 已就诊 / 爽约 show. Read from the
 * hospital in batches, a bounded number per run; an outcome the hospital has not recorded yet
 * is asked for again later (back-off), and a hospital that does not answer changes nothing.
 */
export interface VisitOutcomes {
  /** The outcome job: ended visits due a look-up → completed / no_show. */
  recordDue(): Promise<VisitOutcomeRun>;
}

/** What one run did. */
export interface VisitOutcomeRun {
  /** Ended visits looked up. */
  checked: number;
  completed: number;
  noShows: number;
  /** The hospital had no outcome yet (or did not know the registration): asked again later. */
  deferred: number;
  /** Look-ups that failed (hospital down): nothing changed, retried on the next run. */
  failed: number;
}

/** Ended visits per run, and per hospital call. */
const RUN_LIMIT = 200;
const BATCH_SIZE = 50;

/** Back-off while the hospital has no outcome: 15 min, 30 min, 1 h … at most a day. */
function deferMs(checks: number): number {
  return Math.min(86_400_000, 15 * 60_000 * 2 ** Math.max(0, checks - 1));
}

type Due = Pick<AppointmentRecord, '_id' | 'patientId' | 'hospital'>;

/** Creates the outcome recorder on the booking context. */
export function createVisitOutcomes(ctx: BookingContext): VisitOutcomes {
  const { models, hospital, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  /** The hospital's registrations of a batch (by id), or null when it could not be asked. */
  const lookUp = async (ids: readonly string[]): Promise<Map<string, HospitalRegistration> | null> => {
    try {
      if (hospital.getRegistrations) return new Map((await hospital.getRegistrations(ids)).map((r) => [r.id, r]));
      const found = new Map<string, HospitalRegistration>();
      for (const id of ids) {
        const registration = await hospital.getRegistration!(id);
        if (registration) found.set(id, registration);
      }
      return found;
    } catch (error) {
      logger.warn({ err: error, registrations: ids.length }, 'visit outcomes: the hospital did not answer; retrying on the next run');
      return null;
    }
  };

  const record = async (appointment: Due, outcome: 'completed' | 'no_show', now: Date): Promise<boolean> => {
    const done = await Appointments.updateOne(
      { _id: appointment._id, status: 'booked' },
      { $set: { status: outcome, outcomeRecordedAt: now, 'hospital.outcomeNextCheckAt': null, updatedAt: now } },
    );
    if (done.modifiedCount === 0) return false;
    // The visit is over: it no longer counts against the patient's active appointments.
    await unclaimForPatient(models, appointment.patientId.toHexString(), appointment._id.toHexString());
    return true;
  };

  const defer = async (appointment: Due, now: Date): Promise<void> => {
    const checks = (appointment.hospital.outcomeChecks ?? 0) + 1;
    await Appointments.updateOne(
      { _id: appointment._id, status: 'booked' },
      { $set: { 'hospital.outcomeChecks': checks, 'hospital.outcomeNextCheckAt': new Date(now.getTime() + deferMs(checks)), updatedAt: now } },
    );
  };

  return {
    async recordDue() {
      const run: VisitOutcomeRun = { checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 0 };
      if (!hospital.getRegistrations && !hospital.getRegistration) return run;
      const now = clock.now();
      const due = (await Appointments.find(
        { status: 'booked', end: { $lte: now }, 'hospital.outcomeNextCheckAt': { $not: { $gt: now } } },
        { projection: { _id: 1, patientId: 1, hospital: 1 } },
      )
        .sort({ end: 1, _id: 1 })
        .limit(RUN_LIMIT)
        .toArray()) as Due[];
      for (let i = 0; i < due.length; i += BATCH_SIZE) {
        const batch = due.slice(i, i + BATCH_SIZE);
        const withId = batch.filter((a): a is Due & { hospital: { registrationId: string } } => a.hospital.registrationId !== null);
        const found = await lookUp(withId.map((a) => a.hospital.registrationId));
        if (found === null) {
          run.failed += batch.length;
          continue;
        }
        for (const appointment of batch) {
          run.checked += 1;
          const registration = appointment.hospital.registrationId === null ? undefined : found.get(appointment.hospital.registrationId);
          const status = registration?.status;
          if (status === 'completed' || status === 'no_show') {
            if (await record(appointment, status, now)) {
              if (status === 'completed') run.completed += 1;
              else run.noShows += 1;
            }
            continue;
          }
          if (status !== 'booked') {
            // Not known there, or cancelled there after we confirmed it: reconciliation reports it.
            logger.warn(
              { appointmentId: appointment._id.toHexString(), hospitalStatus: status ?? 'unknown' },
              'visit outcomes: registration not booked at the hospital',
            );
          }
          run.deferred += 1;
          await defer(appointment, now);
        }
      }
      if (run.completed + run.noShows + run.failed > 0) logger.info(run, 'visit outcomes recorded');
      return run;
    },
  };
}
