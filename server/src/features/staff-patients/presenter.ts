import {
  STAFF_PATIENT_EXPORT_FORMAT,
  type StaffPatient,
  type StaffPatientExport,
} from '@careloop/shared/contracts/staff-patients';
import type { StaffPatientExportView, StaffPatientView } from './service.js';

/** A patient as staff see it: masked, with the scope of records the policy allows. */
export function presentStaffPatient(view: StaffPatientView): StaffPatient {
  const { patient } = view;
  const presented: StaffPatient = {
    id: patient.id,
    name: patient.name,
    gender: patient.gender,
    birthDate: patient.birthDate,
    idType: patient.idType,
    idNumberMasked: patient.idNumberMasked,
    allergies: patient.allergies,
    chronicConditions: patient.chronicConditions,
    recordsFrom: view.recordsFrom,
  };
  if (patient.phoneMasked !== undefined) presented.phoneMasked = patient.phoneMasked;
  return presented;
}

/** The export document: contract fields only, instants as ISO-8601. */
export function presentStaffPatientExport(view: StaffPatientExportView): StaffPatientExport {
  return {
    format: STAFF_PATIENT_EXPORT_FORMAT,
    exportedAt: view.exportedAt.toISOString(),
    exportedBy: { staffId: view.exportedBy.id, role: view.exportedBy.role, institutionId: view.exportedBy.institutionId },
    requestId: view.requestId,
    patient: presentStaffPatient(view),
    consents: view.consents.map((consent) => ({
      kind: consent.kind,
      version: consent.version,
      grantedAt: consent.grantedAt.toISOString(),
      withdrawnAt: consent.withdrawnAt?.toISOString() ?? null,
    })),
    encounters: view.encounters.map((encounter) => ({
      id: encounter.id,
      institutionId: encounter.institutionId,
      kind: encounter.kind,
      status: encounter.status,
      start: encounter.start,
      ...(encounter.end === undefined ? {} : { end: encounter.end }),
    })),
  };
}

/** The download's file name: `patient-<id>-<YYYYMMDD>.json` (UTC date; ids are hex). */
export function exportFileName(view: StaffPatientExportView): string {
  return `patient-${view.patient.id}-${view.exportedAt.toISOString().slice(0, 10).replaceAll('-', '')}.json`;
}
