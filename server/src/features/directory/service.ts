import type { ScheduleDay } from '@careloop/shared';
import type { Clock } from '../../clock.js';
import { HospitalTimeoutError, NotFoundError } from '../../http/errors.js';
import { isHospitalError } from '../../http/hospital-errors.js';
import type { HospitalSystem } from '../../integrations/hospital/port.js';
import type { Logger } from '../../logging/logger.js';
import {
  directorySyncStateId,
  type DepartmentRecord,
  type DirectoryModels,
  type DirectorySyncStateRecord,
  type DoctorRecord,
  type InstitutionRecord,
} from './model.js';
import { allianceTimeZone, scheduleWindow, summariseSchedule } from './schedule-summary.js';
import { recordSyncFailure, syncDirectory, type SyncCounts } from './sync.js';

/** How fresh the served data are. */
export interface DirectoryFreshness {
  /** True when the last sync failed, never succeeded, or is older than DIRECTORY_STALE_AFTER_MS. */
  stale: boolean;
  /** The last successful sync, null if none. */
  syncedAt: Date | null;
}

/** A list from the cache with its freshness. */
export interface DirectoryList<T> {
  items: T[];
  freshness: DirectoryFreshness;
}

/** A doctor with the live two-week schedule summary. */
export interface DoctorProfileResult {
  doctor: DoctorRecord;
  scheduleSummary: ScheduleDay[];
  freshness: DirectoryFreshness;
}

/** The result of one sync attempt (the job logs it; first requests rethrow the error). */
export type SyncOutcome = { ok: true; counts: SyncCounts } | { ok: false; error: unknown };

/** The directory: alliance members, their departments and doctors, served from the cache. */
export interface DirectoryService {
  listInstitutions(): Promise<DirectoryList<InstitutionRecord>>;
  /** Departments of an institution; 404 when the institution is unknown. */
  listDepartments(institutionId: string): Promise<DirectoryList<DepartmentRecord>>;
  /** Doctors of a department (their `departmentId` is that department); 404 when unknown. */
  listDoctors(departmentId: string): Promise<DirectoryList<DoctorRecord>>;
  /** A doctor with the next 14 local days of sessions, live from the hospital; 404 when unknown. */
  getDoctorProfile(doctorId: string): Promise<DoctorProfileResult>;
  /** Refreshes the cache from the hospital; concurrent calls share one run. Never throws. */
  sync(): Promise<SyncOutcome>;
  /** The recorded state of the last syncs, null before the first. */
  syncState(): Promise<DirectorySyncStateRecord | null>;
  /** Resolves when no sync is running (shutdown waits for it). */
  idle(): Promise<void>;
}

/** What the directory service needs. */
export interface DirectoryServiceDeps {
  models: DirectoryModels;
  hospital: HospitalSystem;
  clock: Clock;
  logger: Logger;
  /** DIRECTORY_STALE_AFTER_MS. */
  staleAfterMs: number;
  /**
   * How long a request waits for the very first sync (empty cache) before answering 504; the
   * sync itself goes on in the background. Derived from the hospital time-out and retries.
   */
  firstSyncBudgetMs: number;
  /** Local time zone for schedule dates (default Asia/Shanghai). */
  timeZone?: string;
}

/** Waits for `promise` at most `ms`; then rejects with a 504 (the promise keeps running). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HospitalTimeoutError()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds the directory service. Reads come from the MongoDB cache; the first read on an empty
 * cache waits (bounded) for a sync so a fresh install answers, and fails with the hospital's
 * 503/504 if that sync fails. Afterwards a failed sync never fails a read: the cache is served
 * with `stale: true`.
 */
export function createDirectoryService(deps: DirectoryServiceDeps): DirectoryService {
  const { models, hospital, clock, logger } = deps;
  const timeZone = deps.timeZone ?? allianceTimeZone;
  let running: Promise<SyncOutcome> | undefined;

  const runSync = async (): Promise<SyncOutcome> => {
    const started = performance.now();
    try {
      const counts = await syncDirectory({ hospital, models, now: () => clock.now() });
      logger.info({ ...counts, durationMs: Math.round(performance.now() - started) }, 'directory synced');
      return { ok: true, counts };
    } catch (error) {
      const code = isHospitalError(error) ? error.code : 'internal_error';
      logger.warn({ err: error, code }, 'directory sync failed; serving the cache');
      await recordSyncFailure(models, clock.now(), code).catch((writeError: unknown) =>
        logger.error({ err: writeError }, 'could not record the directory sync failure'),
      );
      return { ok: false, error };
    }
  };

  const sync = (): Promise<SyncOutcome> => {
    running ??= runSync().finally(() => {
      running = undefined;
    });
    return running;
  };

  const syncState = async () => models.SyncState.findById(directorySyncStateId).lean<DirectorySyncStateRecord>().exec();

  const freshnessOf = (state: DirectorySyncStateRecord | null): DirectoryFreshness => {
    const syncedAt = state?.lastSuccessAt ?? null;
    if (!syncedAt) return { stale: true, syncedAt: null };
    const lastFailure = state?.lastFailureAt ?? null;
    const failedSince = lastFailure !== null && lastFailure.getTime() >= syncedAt.getTime();
    const tooOld = clock.now().getTime() - syncedAt.getTime() > deps.staleAfterMs;
    return { stale: failedSince || tooOld, syncedAt };
  };

  /** The freshness of the cache, syncing first (bounded) when it was never filled. */
  const ensureCache = async (): Promise<DirectoryFreshness> => {
    const state = await syncState();
    if (state?.lastSuccessAt) return freshnessOf(state);
    const outcome = await within(sync(), deps.firstSyncBudgetMs);
    if (!outcome.ok) throw outcome.error;
    return freshnessOf(await syncState());
  };

  return {
    async listInstitutions() {
      const freshness = await ensureCache();
      const items = await models.Institution.find().sort({ order: 1, _id: 1 }).lean<InstitutionRecord[]>().exec();
      return { items, freshness };
    },

    async listDepartments(institutionId) {
      const freshness = await ensureCache();
      const institution = await models.Institution.exists({ _id: institutionId }).exec();
      if (!institution) throw new NotFoundError('未找到该医疗机构，请返回机构列表重新选择');
      const items = await models.Department.find({ institutionId }).sort({ order: 1, _id: 1 }).lean<DepartmentRecord[]>().exec();
      return { items, freshness };
    },

    async listDoctors(departmentId) {
      const freshness = await ensureCache();
      const department = await models.Department.exists({ _id: departmentId }).exec();
      if (!department) throw new NotFoundError('未找到该科室，请返回科室列表重新选择');
      const doctors = await models.Doctor.find({ departmentIds: departmentId }).sort({ order: 1, _id: 1 }).lean<DoctorRecord[]>().exec();
      return { items: doctors.map((doctor) => ({ ...doctor, departmentId })), freshness };
    },

    async getDoctorProfile(doctorId) {
      const freshness = await ensureCache();
      const doctor = await models.Doctor.findById(doctorId).lean<DoctorRecord>().exec();
      if (!doctor) throw new NotFoundError('未找到该医生，请返回医生列表重新选择');
      const { from, to } = scheduleWindow(clock.now(), timeZone);
      try {
        const slots = await hospital.listSlots(doctorId, from.toISOString(), to.toISOString());
        return { doctor, scheduleSummary: summariseSchedule(slots, timeZone), freshness };
      } catch (error) {
        // The profile itself is cached; without the hospital we cannot say which sessions are free.
        logger.warn({ err: error, doctorId }, 'schedule unavailable; serving the cached profile');
        return { doctor, scheduleSummary: [], freshness: { ...freshness, stale: true } };
      }
    },

    sync,
    syncState,
    async idle() {
      await running;
    },
  };
}
