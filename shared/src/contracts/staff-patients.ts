import { z } from 'zod';
import { ConsentKindSchema } from './consents.js';
import { PatientGenderSchema, PatientIdTypeSchema } from './patients.js';
import { StaffRoleSchema } from './staff.js';

/**
 * A patient's data as hospital staff see it (the staff area). Every call is decided by the
 * patient-access policy and audited, allowed or not: staff of an institution where the patient
 * was never seen get 404, a patient who has not consented to processing 403 `consent_required`.
 * Identity number and phone are masked here too.
 */

/** Staff patient-data paths relative to `/api/v1`. */
export const StaffPatientPaths = {
  /** `GET` → {@link StaffPatientSchema}. */
  patient: (patientId: string) => `/staff/patients/${patientId}`,
  /** `GET` (institution admins) → a download of {@link StaffPatientExportSchema}. */
  export: (patientId: string) => `/staff/patients/${patientId}/export`,
} as const;

/**
 * Whose records the staff member sees: the whole alliance's (the patient consented to sharing
 * across members), or only those created at the staff member's own institution.
 */
export const RecordsFromSchema = z.enum(['all_members', 'own_institution']);
/** The scope of records shown to a staff member. */
export type RecordsFrom = z.infer<typeof RecordsFromSchema>;

/** `GET /staff/patients/:id`: the patient record, masked. */
export const StaffPatientSchema = z.object({
  id: z.string(),
  name: z.string(),
  gender: PatientGenderSchema.nullable(),
  /** YYYY-MM-DD. */
  birthDate: z.string().nullable(),
  idType: PatientIdTypeSchema,
  idNumberMasked: z.string(),
  phoneMasked: z.string().optional(),
  allergies: z.array(z.string()),
  chronicConditions: z.array(z.string()),
  recordsFrom: RecordsFromSchema,
});
/** A patient as staff see it. */
export type StaffPatient = z.infer<typeof StaffPatientSchema>;

/** A consent of the patient, in an export. */
export const ExportedConsentSchema = z.object({
  kind: ConsentKindSchema,
  version: z.string(),
  grantedAt: z.iso.datetime({ offset: true }),
  withdrawnAt: z.iso.datetime({ offset: true }).nullable(),
});

/** A visit of the patient at an alliance member, in an export. */
export const ExportedEncounterSchema = z.object({
  id: z.string(),
  institutionId: z.string(),
  kind: z.enum(['outpatient', 'inpatient', 'emergency']),
  status: z.enum(['planned', 'in-progress', 'finished', 'cancelled']),
  start: z.string(),
  end: z.string().optional(),
});

/** The version tag of the export format. */
export const STAFF_PATIENT_EXPORT_FORMAT = 'careloop.patient-export.v1';

/**
 * `GET /staff/patients/:id/export`: a JSON download (`Content-Disposition: attachment`).
 * `encounters` hold only the staff member's institution when `recordsFrom` is `own_institution`.
 */
export const StaffPatientExportSchema = z.object({
  format: z.literal(STAFF_PATIENT_EXPORT_FORMAT),
  exportedAt: z.iso.datetime({ offset: true }),
  exportedBy: z.object({ staffId: z.string(), role: StaffRoleSchema, institutionId: z.string() }),
  /** The request id of the export, as in the audit log. */
  requestId: z.string(),
  patient: StaffPatientSchema,
  consents: z.array(ExportedConsentSchema),
  encounters: z.array(ExportedEncounterSchema),
});
/** A patient-data export. */
export type StaffPatientExport = z.infer<typeof StaffPatientExportSchema>;
