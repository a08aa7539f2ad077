import type { Encounter, HospitalSystem } from '../../integrations/hospital/port.js';
import type { PatientAccessFacts } from '../../policy/patient-access.js';
import type { ConsentsService, ConsentView } from '../consents/service.js';
import type { PatientForPolicy } from '../patients/service.js';

/**
 * Where else a patient may have been seen, besides the hospitals' encounters — e.g. the
 * institutions of the patient's appointments, once booking exists. Optional.
 */
export interface SeenAtSource {
  institutionIdsOf(patientId: string): Promise<string[]>;
}

/** What the facts are gathered from. */
export interface PatientFactsDeps {
  consents: Pick<ConsentsService, 'listForPatient'>;
  hospital: Pick<HospitalSystem, 'listEncounters'>;
  /** Further places the patient was seen (appointments); absent until booking provides one. */
  seenAt?: SeenAtSource;
}

/** The policy's facts about a patient, with the records they came from (an export shows them). */
export interface GatheredFacts {
  facts: PatientAccessFacts;
  consents: ConsentView[];
  /** The patient's visits in the hospitals' systems; empty when not linked to the MPI. */
  encounters: Encounter[];
}

/**
 * Gathers what the access policy needs to decide for staff: the patient's consent records (all
 * alliance-wide — consents are not scoped to one member yet) and the institutions where the
 * patient was seen — encounters in the hospitals' systems under the patient's MPI id (when the
 * patient was linked at creation), plus any other source. Hospital failures propagate: with the
 * facts unknown, no decision is made.
 */
export async function gatherPatientFacts(deps: PatientFactsDeps, patient: PatientForPolicy): Promise<GatheredFacts> {
  const { subject } = patient;
  const [consents, encounters, elsewhere] = await Promise.all([
    deps.consents.listForPatient({ id: subject.id, ownerAccountId: subject.ownerAccountId, relationship: patient.relationship }),
    patient.hospitalPatientId === null ? Promise.resolve([]) : deps.hospital.listEncounters(patient.hospitalPatientId),
    deps.seenAt?.institutionIdsOf(subject.id) ?? Promise.resolve([]),
  ]);
  const seenAt = new Set([...encounters.filter((e) => e.status !== 'cancelled').map((e) => e.institutionId), ...elsewhere]);
  return {
    facts: {
      consents: consents.map((consent) => ({ kind: consent.kind, withdrawn: consent.withdrawnAt !== null })),
      seenAtInstitutionIds: [...seenAt].sort(),
    },
    consents,
    encounters,
  };
}
