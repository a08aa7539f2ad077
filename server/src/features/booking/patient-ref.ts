import type { PatientsService } from '../patients/service.js';
import type { HoldPatient } from './lifecycle.js';

/**
 * The patient a booking is for, through the patients service and its access policy: the
 * account must be allowed to act (`write`) for the patient, else 404 exactly as for a patient
 * that does not exist. The hospital knows the patient by the MPI id when linked; an unlinked
 * patient is registered under CareLoop's id (the hospital matches it at the first visit).
 */
export async function bookingPatient(
  patients: Pick<PatientsService, 'authorize' | 'get'>,
  accountId: string,
  patientId: string,
): Promise<HoldPatient> {
  const { id, hospitalPatientId } = await patients.authorize(accountId, patientId, 'write');
  const view = await patients.get(accountId, id);
  return { accountId, id, name: view.name, hospitalPatientId: hospitalPatientId ?? id };
}
