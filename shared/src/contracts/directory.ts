import { z } from 'zod';

/** Institution level as the insurance rules and prices use it (三级 / 二级 / 一级·社区). */
export const InstitutionLevelSchema = z.enum(['tertiary', 'secondary', 'primary']);
export type InstitutionLevel = z.infer<typeof InstitutionLevelSchema>;

/** A member of the medical alliance. */
export const InstitutionSchema = z.object({
  id: z.string(),
  name: z.string(),
  shortName: z.string(),
  level: InstitutionLevelSchema,
  kind: z.enum(['hospital', 'community_health_centre']),
  address: z.string(),
  phone: z.string(),
  description: z.string(),
});
export type Institution = z.infer<typeof InstitutionSchema>;

/** A clinical department (FHIR HealthcareService) of an institution. */
export const DepartmentSchema = z.object({
  id: z.string(),
  institutionId: z.string(),
  name: z.string(),
  /** Specialty code, e.g. `cardiology`, `general_practice`. */
  specialty: z.string(),
  description: z.string(),
});
export type Department = z.infer<typeof DepartmentSchema>;

/** Professional title, from resident to chief physician. */
export const DoctorTitleSchema = z.enum(['resident', 'attending', 'associate_chief', 'chief']);
export type DoctorTitle = z.infer<typeof DoctorTitleSchema>;

/** A doctor as listed under a department. */
export const DoctorSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  title: DoctorTitleSchema,
  /** The title in Chinese, e.g. 主任医师. */
  titleText: z.string(),
  departmentId: z.string(),
  institutionId: z.string(),
  specialties: z.array(z.string()),
  /** Consultation (registration) fee in fen. */
  consultationFee: z.number().int().nonnegative(),
});
export type DoctorSummary = z.infer<typeof DoctorSummarySchema>;

/** One half-day clinic session of a doctor. */
export const ScheduleDaySchema = z.object({
  /** Local (Asia/Shanghai) date, YYYY-MM-DD. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  period: z.enum(['morning', 'afternoon']),
  /** Free 15-minute slots left, and slots in total. */
  available: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type ScheduleDay = z.infer<typeof ScheduleDaySchema>;

/** A doctor's profile with the next two weeks of sessions. */
export const DoctorProfileSchema = DoctorSummarySchema.extend({
  gender: z.enum(['male', 'female', 'unknown']),
  bio: z.string(),
  scheduleSummary: z.array(ScheduleDaySchema),
});
export type DoctorProfile = z.infer<typeof DoctorProfileSchema>;

/**
 * Freshness of directory data: served from the BFF's cache of the hospital systems; `stale` is
 * true when the last sync failed (hospital down) and the cache is older than it should be.
 */
export const FreshnessSchema = z.object({
  stale: z.boolean(),
  /** When the cache was last refreshed from the hospital systems (ISO-8601), null if never. */
  syncedAt: z.string().nullable(),
});
export type Freshness = z.infer<typeof FreshnessSchema>;

export const InstitutionListResponseSchema = FreshnessSchema.extend({ items: z.array(InstitutionSchema) });
export type InstitutionListResponse = z.infer<typeof InstitutionListResponseSchema>;

export const DepartmentListResponseSchema = FreshnessSchema.extend({ items: z.array(DepartmentSchema) });
export type DepartmentListResponse = z.infer<typeof DepartmentListResponseSchema>;

export const DoctorListResponseSchema = FreshnessSchema.extend({ items: z.array(DoctorSummarySchema) });
export type DoctorListResponse = z.infer<typeof DoctorListResponseSchema>;

export const DoctorProfileResponseSchema = FreshnessSchema.extend({ doctor: DoctorProfileSchema });
export type DoctorProfileResponse = z.infer<typeof DoctorProfileResponseSchema>;

/** Path parameters: ids are opaque strings of a safe alphabet. */
export const DirectoryIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

/** The directory endpoints (paths are contracts; keep them). */
export const DirectoryPaths = {
  institutions: '/api/v1/institutions',
  departments: (institutionId: string) => `/api/v1/institutions/${encodeURIComponent(institutionId)}/departments`,
  doctors: (departmentId: string) => `/api/v1/departments/${encodeURIComponent(departmentId)}/doctors`,
  doctor: (doctorId: string) => `/api/v1/doctors/${encodeURIComponent(doctorId)}`,
} as const;
