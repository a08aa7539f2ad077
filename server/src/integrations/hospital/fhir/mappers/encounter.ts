/**
 * Encounter → Encounter (a visit). R4 has no element for the department seen, so it travels
 * in the agreed `departmentExtension`; the doctor is the Practitioner participant.
 */
import { z } from 'zod';
import type { Encounter } from '../../port.js';
import { CareLoopFhir } from '../codes.js';
import {
  CodingSchema,
  MappingError,
  PeriodSchema,
  ReferenceSchema,
  ResourceBase,
  extensionFrom,
  parseResource,
  referenceId,
  requiredReferenceId,
} from './datatypes.js';

const EncounterSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Encounter'),
  status: z.string(),
  class: CodingSchema,
  subject: ReferenceSchema.optional(),
  serviceProvider: ReferenceSchema.optional(),
  participant: z.array(z.looseObject({ individual: ReferenceSchema.optional() })).optional(),
  period: PeriodSchema.optional(),
});

/** v3 ActCode encounter classes → visit kind. */
const KIND: Readonly<Record<string, Encounter['kind']>> = {
  AMB: 'outpatient',
  VR: 'outpatient',
  HH: 'outpatient',
  IMP: 'inpatient',
  ACUTE: 'inpatient',
  NONAC: 'inpatient',
  OBSENC: 'inpatient',
  SS: 'inpatient',
  PRENC: 'outpatient',
  EMER: 'emergency',
};

/** FHIR R4 Encounter.status → visit status; entered-in-error and unknown are dropped. */
const STATUS: Readonly<Record<string, Encounter['status'] | null>> = {
  planned: 'planned',
  arrived: 'in-progress',
  triaged: 'in-progress',
  'in-progress': 'in-progress',
  onleave: 'in-progress',
  finished: 'finished',
  cancelled: 'cancelled',
  'entered-in-error': null,
  unknown: null,
};

/** Maps one visit, or null when the hospital marks it entered-in-error / unknown. */
export function toEncounter(resource: unknown, patientId: string): Encounter | null {
  const enc = parseResource(EncounterSchema, resource, 'Encounter');
  const what = `Encounter/${enc.id}`;
  if (!Object.hasOwn(STATUS, enc.status)) throw new MappingError(`${what}: unknown status ${enc.status}`);
  const status = STATUS[enc.status];
  if (!status) return null;
  const kind = enc.class.code !== undefined && Object.hasOwn(KIND, enc.class.code) ? KIND[enc.class.code] : undefined;
  if (!kind) throw new MappingError(`${what}: unknown class ${enc.class.code ?? '(none)'}`);
  const start = enc.period?.start;
  if (!start) throw new MappingError(`${what}: missing period.start`);
  const encounter: Encounter = {
    id: enc.id,
    patientId: referenceId(enc.subject, 'Patient') ?? patientId,
    institutionId: requiredReferenceId(enc.serviceProvider, 'Organization', what),
    kind,
    status,
    start,
  };
  const departmentId = referenceId(
    extensionFrom(enc.extension, CareLoopFhir.departmentExtension)?.valueReference,
    'HealthcareService',
  );
  if (departmentId) encounter.departmentId = departmentId;
  const practitionerId = enc.participant
    ?.map((p) => referenceId(p.individual, 'Practitioner'))
    .find((id) => id !== undefined);
  if (practitionerId) encounter.practitionerId = practitionerId;
  if (enc.period?.end) encounter.end = enc.period.end;
  return encounter;
}
