import { Schema, type Connection, type Model } from 'mongoose';
import type { DoctorTitle, InstitutionLevel } from '@careloop/shared';

/**
 * The BFF's cache of the hospitals' directory (institutions, departments, doctors), keyed by the
 * hospital's ids, plus one document recording how the last sync went. The hospital stays the
 * source of truth; this cache lets the directory answer while the hospital is slow or down.
 */

/** A cached alliance member. `_id` is the hospital's id. */
export interface InstitutionRecord {
  _id: string;
  name: string;
  shortName: string;
  level: InstitutionLevel;
  kind: 'hospital' | 'community_health_centre';
  address: string;
  phone: string;
  description: string;
  /** Position in the hospital's list (core hospital first); lists keep that order. */
  order: number;
}

/** A cached department. */
export interface DepartmentRecord {
  _id: string;
  institutionId: string;
  name: string;
  specialty: string;
  description: string;
  order: number;
}

/** A cached doctor. */
export interface DoctorRecord {
  _id: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  title: DoctorTitle;
  titleText: string;
  institutionId: string;
  /** The department the doctor is listed under first. */
  departmentId: string;
  /** Every department the doctor sees patients in (a PractitionerRole each). */
  departmentIds: string[];
  specialties: string[];
  bio: string;
  /** Consultation fee in fen. */
  consultationFee: number;
  order: number;
}

/** How the directory sync went; one document, `_id: 'directory'`. */
export interface DirectorySyncStateRecord {
  _id: string;
  /** Last sync that finished and wrote the cache. */
  lastSuccessAt: Date | null;
  /** Failure of the latest sync attempt (cleared by a success): the cache may be out of date. */
  lastFailureAt: Date | null;
  /** The failure's code (e.g. `hospital_unavailable`), for logs and /healthz. */
  lastErrorCode: string | null;
  counts: { institutions: number; departments: number; doctors: number } | null;
}

/** The directory's mongoose models, bound to one connection. */
export interface DirectoryModels {
  Institution: Model<InstitutionRecord>;
  Department: Model<DepartmentRecord>;
  Doctor: Model<DoctorRecord>;
  SyncState: Model<DirectorySyncStateRecord>;
}

// The sync writes whole records through the driver; no version keys or timestamps to keep.
const common = { versionKey: false } as const;

const institutionSchema = new Schema<InstitutionRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    shortName: { type: String, required: true },
    level: { type: String, required: true, enum: ['tertiary', 'secondary', 'primary'] },
    kind: { type: String, required: true, enum: ['hospital', 'community_health_centre'] },
    address: { type: String, default: '' },
    phone: { type: String, default: '' },
    description: { type: String, default: '' },
    order: { type: Number, required: true },
  },
  { ...common, collection: 'directory_institutions' },
);

const departmentSchema = new Schema<DepartmentRecord>(
  {
    _id: { type: String, required: true },
    institutionId: { type: String, required: true },
    name: { type: String, required: true },
    specialty: { type: String, default: '' },
    description: { type: String, default: '' },
    order: { type: Number, required: true },
  },
  { ...common, collection: 'directory_departments' },
);
departmentSchema.index({ institutionId: 1, order: 1 });

const doctorSchema = new Schema<DoctorRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    gender: { type: String, required: true, enum: ['male', 'female', 'unknown'] },
    title: { type: String, required: true, enum: ['resident', 'attending', 'associate_chief', 'chief'] },
    titleText: { type: String, required: true },
    institutionId: { type: String, required: true },
    departmentId: { type: String, required: true },
    departmentIds: { type: [String], required: true },
    specialties: { type: [String], default: [] },
    bio: { type: String, default: '' },
    consultationFee: { type: Number, required: true, min: 0 },
    order: { type: Number, required: true },
  },
  { ...common, collection: 'directory_doctors' },
);
doctorSchema.index({ departmentIds: 1, order: 1 });

const syncStateSchema = new Schema<DirectorySyncStateRecord>(
  {
    _id: { type: String, required: true },
    lastSuccessAt: { type: Date, default: null },
    lastFailureAt: { type: Date, default: null },
    lastErrorCode: { type: String, default: null },
    counts: { type: new Schema({ institutions: Number, departments: Number, doctors: Number }, { _id: false }), default: null },
  },
  { ...common, collection: 'directory_sync_state' },
);

/** The id of the one sync-state document. */
export const directorySyncStateId = 'directory';

/**
 * Registers the directory models on a connection (idempotent) and builds their indexes, so a
 * fresh database is ready before the first request.
 */
export async function createDirectoryModels(connection: Connection): Promise<DirectoryModels> {
  const models: DirectoryModels = {
    Institution: connection.models.DirectoryInstitution ?? connection.model('DirectoryInstitution', institutionSchema),
    Department: connection.models.DirectoryDepartment ?? connection.model('DirectoryDepartment', departmentSchema),
    Doctor: connection.models.DirectoryDoctor ?? connection.model('DirectoryDoctor', doctorSchema),
    SyncState: connection.models.DirectorySyncState ?? connection.model('DirectorySyncState', syncStateSchema),
  };
  await Promise.all(Object.values(models).map((model: Model<unknown>) => model.createIndexes()));
  return models;
}
