/**
 * PractitionerRole (+ its Practitioner) → HospitalPractitioner. The role says where the doctor
 * works, their title and fee; the Practitioner says who they are. The domain id is the
 * Practitioner's, because schedules and appointments refer to the Practitioner.
 */
import { z } from 'zod';
import type { HospitalPractitioner, PractitionerTitle } from '../../port.js';
import { CareLoopFhir } from '../codes.js';
import {
  CodeableConceptSchema,
  HumanNameSchema,
  MappingError,
  ReferenceSchema,
  ResourceBase,
  codeFrom,
  extensionFrom,
  genderFrom,
  moneyToFen,
  nameFrom,
  parseResource,
  referenceId,
  requiredReferenceId,
} from './datatypes.js';

const PractitionerSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Practitioner'),
  name: z.array(HumanNameSchema).optional(),
  gender: z.string().optional(),
});

const PractitionerRoleSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('PractitionerRole'),
  active: z.boolean().optional(),
  practitioner: ReferenceSchema.optional(),
  organization: ReferenceSchema.optional(),
  healthcareService: z.array(ReferenceSchema).optional(),
  code: z.array(CodeableConceptSchema).optional(),
  specialty: z.array(CodeableConceptSchema).optional(),
});

/** A role as far as the adapter needs it before joining the Practitioner. */
export type PractitionerRoleInput = z.infer<typeof PractitionerRoleSchema>;

/** Chinese titles, used when the hospital sends a title code without a display. */
const TITLE_TEXT: Readonly<Record<PractitionerTitle, string>> = {
  resident: '住院医师',
  attending: '主治医师',
  associate_chief: '副主任医师',
  chief: '主任医师',
};

function isTitle(code: string | undefined): code is PractitionerTitle {
  return code !== undefined && Object.hasOwn(TITLE_TEXT, code);
}

/** Parses a PractitionerRole (throws MappingError when it is not one). */
export function parsePractitionerRole(resource: unknown): PractitionerRoleInput {
  return parseResource(PractitionerRoleSchema, resource, 'PractitionerRole');
}

/** The Practitioner id a role is for; a role without one is malformed. */
export function practitionerIdOf(role: PractitionerRoleInput): string {
  return requiredReferenceId(role.practitioner, 'Practitioner', `PractitionerRole/${role.id}`);
}

/** Whether a role is current (FHIR: absent `active` means active). */
export function isActiveRole(role: PractitionerRoleInput): boolean {
  return role.active !== false;
}

/** Joins a role with its Practitioner into the domain doctor. */
export function toPractitioner(role: PractitionerRoleInput, practitioner: unknown): HospitalPractitioner {
  const person = parseResource(PractitionerSchema, practitioner, 'Practitioner');
  const what = `PractitionerRole/${role.id}`;
  const titleCoding = codeFrom(role.code, CareLoopFhir.titleSystem);
  const title = titleCoding?.code;
  if (!isTitle(title)) throw new MappingError(`${what}: ${title ? `unknown title ${title}` : 'missing title'}`);
  const departmentId = role.healthcareService
    ?.map((ref) => referenceId(ref, 'HealthcareService'))
    .find((id) => id !== undefined);
  if (!departmentId) throw new MappingError(`${what}: missing healthcareService`);
  const fee = extensionFrom(role.extension, CareLoopFhir.consultationFeeExtension)?.valueMoney;
  return {
    id: person.id,
    name: nameFrom(person.name, `Practitioner/${person.id}`),
    gender: genderFrom(person.gender),
    title,
    titleText: titleCoding?.display?.trim() || TITLE_TEXT[title],
    institutionId: requiredReferenceId(role.organization, 'Organization', what),
    departmentId,
    specialties: (role.specialty ?? [])
      .map((s) => s.text?.trim() ?? '')
      .filter((text) => text !== ''),
    bio: extensionFrom(person.extension, CareLoopFhir.descriptionExtension)?.valueString ?? '',
    consultationFee: moneyToFen(fee, `${what} consultation fee`),
  };
}
