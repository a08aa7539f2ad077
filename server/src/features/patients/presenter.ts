import type { Patient, PatientList, PatientProxyList, ProxyInvitation } from '@careloop/shared/contracts/patients';
import type { PatientProxyView, PatientView, ProxyInvitationView } from './service.js';

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
  if (patient.access !== undefined) presented.access = patient.access;
  return presented;
}

/** `GET /patients`. */
export function presentPatientList(patients: readonly PatientView[]): PatientList {
  return { items: patients.map(presentPatient) };
}

/** `POST /patients/:id/proxy-invitations`: the code, shown to the owner once. */
export function presentProxyInvitation(invitation: ProxyInvitationView): ProxyInvitation {
  return { code: invitation.code, expiresAt: invitation.expiresAt.toISOString() };
}

/** `GET /patients/:id/proxies`. */
export function presentProxyList(proxies: readonly PatientProxyView[]): PatientProxyList {
  return {
    items: proxies.map((proxy) => ({
      accountId: proxy.accountId,
      ...(proxy.nickname === undefined ? {} : { nickname: proxy.nickname }),
      since: proxy.since.toISOString(),
    })),
  };
}
