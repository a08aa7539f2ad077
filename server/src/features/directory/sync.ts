import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import type { HospitalDepartment, HospitalInstitution, HospitalPractitioner, HospitalSystem } from '../../integrations/hospital/port.js';
import { directorySyncStateId, type DirectoryModels, type DoctorRecord } from './model.js';

/** What one sync wrote. */
export interface SyncCounts {
  institutions: number;
  departments: number;
  doctors: number;
}

/** How many hospital calls a sync keeps in flight at once (be gentle with a HIS). */
const concurrency = 4;

/** Maps over items with at most `limit` promises pending; rejects on the first failure. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Everything one sync read from the hospital. */
interface Snapshot {
  institutions: HospitalInstitution[];
  departments: HospitalDepartment[];
  practitioners: HospitalPractitioner[];
}

/** Reads institutions → departments → practitioners. Any failure fails the whole read. */
async function readSnapshot(hospital: HospitalSystem): Promise<Snapshot> {
  const institutions = await hospital.listInstitutions();
  const departments = (await mapLimited(institutions, concurrency, (institution) => hospital.listDepartments(institution.id))).flat();
  const practitioners = (await mapLimited(departments, concurrency, (department) => hospital.listPractitioners(department.id))).flat();
  return { institutions, departments, practitioners };
}

/** Folds practitioner roles into one record per doctor (a doctor may work in several departments). */
function doctorRecords(practitioners: readonly HospitalPractitioner[]): DoctorRecord[] {
  const byId = new Map<string, DoctorRecord>();
  practitioners.forEach((practitioner, order) => {
    const existing = byId.get(practitioner.id);
    if (existing) {
      if (!existing.departmentIds.includes(practitioner.departmentId)) existing.departmentIds.push(practitioner.departmentId);
      return;
    }
    byId.set(practitioner.id, {
      _id: practitioner.id,
      name: practitioner.name,
      gender: practitioner.gender,
      title: practitioner.title,
      titleText: practitioner.titleText,
      institutionId: practitioner.institutionId,
      departmentId: practitioner.departmentId,
      departmentIds: [practitioner.departmentId],
      specialties: practitioner.specialties,
      bio: practitioner.bio,
      consultationFee: practitioner.consultationFee,
      order,
    });
  });
  return [...byId.values()];
}

/**
 * Upserts every record by `_id`, then deletes what the hospital no longer lists. Goes through
 * the driver collection: the records are already exactly the stored shape, and mongoose's
 * generic bulkWrite types cannot express "a replacement of T" for a generic T.
 */
async function replaceAll<T extends { _id: string }>(model: Model<T>, records: readonly T[]): Promise<void> {
  // The driver's default schema assumes ObjectId `_id`s; ours are the hospital's string ids.
  const collection = model.collection as unknown as Collection<{ _id: string }>;
  if (records.length > 0) {
    await collection.bulkWrite(
      records.map(({ _id, ...replacement }) => ({ replaceOne: { filter: { _id }, replacement, upsert: true } })),
      { ordered: false },
    );
  }
  await collection.deleteMany({ _id: { $nin: records.map((record) => record._id) } });
}

/**
 * One directory sync: reads the whole directory from the hospital through the port, and only if
 * every read succeeded writes it to the cache (upsert what is there, remove what disappeared)
 * and records the success. A failed read leaves the cache as it was. Callers make sure only one
 * runs at a time (see the directory service).
 */
export async function syncDirectory(deps: { hospital: HospitalSystem; models: DirectoryModels; now: () => Date }): Promise<SyncCounts> {
  const { hospital, models } = deps;
  const snapshot = await readSnapshot(hospital);
  const institutionIds = new Set(snapshot.institutions.map((institution) => institution.id));
  const departments = snapshot.departments.filter((department) => institutionIds.has(department.institutionId));
  const doctors = doctorRecords(snapshot.practitioners);

  await replaceAll(
    models.Institution,
    snapshot.institutions.map((institution, order) => ({ _id: institution.id, ...withoutId(institution), order })),
  );
  await replaceAll(
    models.Department,
    departments.map((department, order) => ({ _id: department.id, ...withoutId(department), order })),
  );
  await replaceAll(models.Doctor, doctors);

  const counts: SyncCounts = { institutions: snapshot.institutions.length, departments: departments.length, doctors: doctors.length };
  await models.SyncState.updateOne(
    { _id: directorySyncStateId },
    { $set: { lastSuccessAt: deps.now(), lastFailureAt: null, lastErrorCode: null, counts } },
    { upsert: true },
  );
  return counts;
}

/** Records a failed sync, keeping the last success (the cache stays valid, just stale). */
export async function recordSyncFailure(models: DirectoryModels, at: Date, code: string): Promise<void> {
  await models.SyncState.updateOne({ _id: directorySyncStateId }, { $set: { lastFailureAt: at, lastErrorCode: code } }, { upsert: true });
}

function withoutId<T extends { id: string }>(value: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = value;
  return rest;
}
