/**
 * Organization → HospitalInstitution, and HealthcareService → HospitalDepartment: the
 * directory of the alliance. Level and kind come from the agreed code systems on
 * Organization.type; a member without them cannot be priced or filtered, so it is refused.
 */
import { z } from 'zod';
import type { HospitalDepartment, HospitalInstitution, InstitutionLevel } from '../../port.js';
import { CareLoopFhir } from '../codes.js';
import {
  CodeableConceptSchema,
  MappingError,
  ReferenceSchema,
  ResourceBase,
  codeFrom,
  extensionFrom,
  parseResource,
  referenceId,
} from './datatypes.js';

const OrganizationSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Organization'),
  active: z.boolean().optional(),
  name: z.string().min(1),
  alias: z.array(z.string()).optional(),
  type: z.array(CodeableConceptSchema).optional(),
  telecom: z.array(z.looseObject({ system: z.string().optional(), value: z.string().optional() })).optional(),
  address: z.array(z.looseObject({ text: z.string().optional() })).optional(),
});

const LEVELS: readonly InstitutionLevel[] = ['tertiary', 'secondary', 'primary'];
const KINDS: readonly HospitalInstitution['kind'][] = ['hospital', 'community_health_centre'];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw new MappingError(`${what}: ${value === undefined ? 'missing' : `unknown code ${value}`}`);
  }
  return value as T;
}

/** Whether an Organization is marked inactive (left the alliance); such members are not listed. */
export function isInactive(resource: Readonly<Record<string, unknown>>): boolean {
  return resource.active === false;
}

/** Maps one alliance member. */
export function toInstitution(resource: unknown): HospitalInstitution {
  const org = parseResource(OrganizationSchema, resource, 'Organization');
  const what = `Organization/${org.id}`;
  const level = oneOf(codeFrom(org.type, CareLoopFhir.institutionLevelSystem)?.code, LEVELS, `${what} level`);
  const kind = oneOf(codeFrom(org.type, CareLoopFhir.institutionKindSystem)?.code, KINDS, `${what} kind`);
  return {
    id: org.id,
    name: org.name,
    shortName: org.alias?.find((a) => a.trim() !== '') ?? org.name,
    level,
    kind,
    address: org.address?.[0]?.text ?? '',
    phone: org.telecom?.find((t) => t.system === 'phone' && t.value)?.value ?? '',
    description: extensionFrom(org.extension, CareLoopFhir.descriptionExtension)?.valueString ?? '',
  };
}

const HealthcareServiceSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('HealthcareService'),
  active: z.boolean().optional(),
  name: z.string().min(1),
  providedBy: ReferenceSchema.optional(),
  specialty: z.array(CodeableConceptSchema).optional(),
  comment: z.string().optional(),
});

/**
 * Maps one department. `institutionId` is the organization searched for, used when the
 * service does not say who provides it.
 */
export function toDepartment(resource: unknown, institutionId: string): HospitalDepartment {
  const service = parseResource(HealthcareServiceSchema, resource, 'HealthcareService');
  const specialty = codeFrom(service.specialty, CareLoopFhir.specialtySystem)?.code;
  if (!specialty) throw new MappingError(`HealthcareService/${service.id}: missing specialty`);
  return {
    id: service.id,
    institutionId: referenceId(service.providedBy, 'Organization') ?? institutionId,
    name: service.name,
    specialty,
    description: service.comment ?? '',
  };
}
