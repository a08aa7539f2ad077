/** Patient → HospitalPatient: the master patient index entry we link an account to. */
import { z } from 'zod';
import type { HospitalPatient } from '../../port.js';
import { HumanNameSchema, ResourceBase, genderFrom, nameFrom, parseResource } from './datatypes.js';

const PatientSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Patient'),
  active: z.boolean().optional(),
  name: z.array(HumanNameSchema).optional(),
  gender: z.string().optional(),
  birthDate: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
});

/** Maps one patient; name and birth date are required to tell people apart. */
export function toPatient(resource: unknown): HospitalPatient {
  const patient = parseResource(PatientSchema, resource, 'Patient');
  return {
    id: patient.id,
    name: nameFrom(patient.name, `Patient/${patient.id}`),
    gender: genderFrom(patient.gender),
    birthDate: patient.birthDate,
  };
}
