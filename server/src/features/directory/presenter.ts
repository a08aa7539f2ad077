import type {
  Department,
  DepartmentListResponse,
  DoctorListResponse,
  DoctorProfileResponse,
  DoctorSummary,
  Freshness,
  Institution,
  InstitutionListResponse,
} from '@careloop/shared';
import type { DepartmentRecord, DoctorRecord, InstitutionRecord } from './model.js';
import type { DirectoryFreshness, DirectoryList, DoctorProfileResult } from './service.js';

/** Freshness as the API shows it (ISO-8601 instant). */
export function presentFreshness(freshness: DirectoryFreshness): Freshness {
  return { stale: freshness.stale, syncedAt: freshness.syncedAt ? freshness.syncedAt.toISOString() : null };
}

/** An institution as the API shows it: only contract fields, never the cache's bookkeeping. */
export function presentInstitution(record: InstitutionRecord): Institution {
  return {
    id: record._id,
    name: record.name,
    shortName: record.shortName,
    level: record.level,
    kind: record.kind,
    address: record.address,
    phone: record.phone,
    description: record.description,
  };
}

/** A department as the API shows it. */
export function presentDepartment(record: DepartmentRecord): Department {
  return {
    id: record._id,
    institutionId: record.institutionId,
    name: record.name,
    specialty: record.specialty,
    description: record.description,
  };
}

/** A doctor as listed under a department. */
export function presentDoctorSummary(record: DoctorRecord): DoctorSummary {
  return {
    id: record._id,
    name: record.name,
    title: record.title,
    titleText: record.titleText,
    departmentId: record.departmentId,
    institutionId: record.institutionId,
    specialties: [...record.specialties],
    consultationFee: record.consultationFee,
  };
}

/** `GET /institutions`. */
export function presentInstitutionList(list: DirectoryList<InstitutionRecord>): InstitutionListResponse {
  return { items: list.items.map(presentInstitution), ...presentFreshness(list.freshness) };
}

/** `GET /institutions/:id/departments`. */
export function presentDepartmentList(list: DirectoryList<DepartmentRecord>): DepartmentListResponse {
  return { items: list.items.map(presentDepartment), ...presentFreshness(list.freshness) };
}

/** `GET /departments/:id/doctors`. */
export function presentDoctorList(list: DirectoryList<DoctorRecord>): DoctorListResponse {
  return { items: list.items.map(presentDoctorSummary), ...presentFreshness(list.freshness) };
}

/** `GET /doctors/:id`. */
export function presentDoctorProfile(result: DoctorProfileResult): DoctorProfileResponse {
  return {
    doctor: {
      ...presentDoctorSummary(result.doctor),
      gender: result.doctor.gender,
      bio: result.doctor.bio,
      scheduleSummary: result.scheduleSummary.map((day) => ({ ...day })),
    },
    ...presentFreshness(result.freshness),
  };
}
