import type { Patient, PatientList } from '@careloop/shared/contracts/patients';
import type { PatientView } from './service.js';

/** A patient as the API shows it: contract fields only (masked), instants as ISO-8601. */
export function presentPatient(patient: PatientView): Patient {
  const presented: Patient = {
    id: patient.id,
    relationship: patient.relationship,
    name: patient.name,
    gender: patient.gender,
    birthDate: patient.birthDate,
    idType: patient.idType,
    idNumberMasked: patient.idNumberMasked,
    allergies: patient.allergies,
    chronicConditions: patient.chronicConditions,
    createdAt: patient.createdAt.toISOString(),
  };
  if (patient.phoneMasked !== undefined) presented.phoneMasked = patient.phoneMasked;
  return presented;
}

/** `GET /patients`. */
export function presentPatientList(patients: readonly PatientView[]): PatientList {
  return { items: patients.map(presentPatient) };
}
