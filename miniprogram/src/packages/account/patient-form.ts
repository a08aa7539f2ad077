import type { z } from 'zod';
import {
  PatientCreateSchema,
  PatientUpdateSchema,
  type PatientCreate,
  type PatientIdType,
  type PatientRelationship,
  type PatientUpdate,
} from '@careloop/shared/contracts/patients';

/** The fields of the 就诊人 form, as typed (strings until validated). */
export interface PatientFormValues {
  relationship: PatientRelationship;
  name: string;
  idType: PatientIdType;
  idNumber: string;
  phone: string;
  /** Free text; items separated by 、，, or spaces. */
  allergies: string;
}

/** A field that can carry an error message next to it. */
export type PatientField = keyof PatientFormValues;

/** One message per field (the first the schema gave), plus one for the whole form. */
export type PatientFormErrors = Partial<Record<PatientField | 'form', string>>;

const FIELDS: readonly PatientField[] = ['relationship', 'name', 'idType', 'idNumber', 'phone', 'allergies'];

/** Splits the allergies text into the list the API takes. */
export function splitList(text: string): string[] {
  return text
    .split(/[、，,;；\s]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function toErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): PatientFormErrors {
  const errors: PatientFormErrors = {};
  for (const issue of issues) {
    const head = issue.path[0];
    const field = FIELDS.find((f) => f === head) ?? 'form';
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Validates a new patient with the shared contract, so the messages are the server's own. */
export function validateCreate(values: PatientFormValues): { ok: true; body: PatientCreate } | { ok: false; errors: PatientFormErrors } {
  const allergies = splitList(values.allergies);
  const input: z.input<typeof PatientCreateSchema> = {
    relationship: values.relationship,
    name: values.name,
    idType: values.idType,
    idNumber: values.idNumber,
    ...(values.phone.trim() ? { phone: values.phone } : {}),
    ...(allergies.length > 0 ? { allergies } : {}),
  };
  const parsed = PatientCreateSchema.safeParse(input);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, errors: toErrors(parsed.error.issues) };
}

/** Validates an edit: the identity document is fixed; an empty phone leaves the stored one alone. */
export function validateUpdate(values: PatientFormValues): { ok: true; body: PatientUpdate } | { ok: false; errors: PatientFormErrors } {
  const input: z.input<typeof PatientUpdateSchema> = {
    relationship: values.relationship,
    name: values.name,
    allergies: splitList(values.allergies),
    ...(values.phone.trim() ? { phone: values.phone } : {}),
  };
  const parsed = PatientUpdateSchema.safeParse(input);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, errors: toErrors(parsed.error.issues) };
}

/**
 * Maps a 400 `invalid_request` from the BFF (`details: [{ path: 'body.idNumber', message }]`)
 * onto the form's fields; anything it cannot place goes to the form-level message.
 */
export function serverErrors(details: unknown, fallback: string): PatientFormErrors {
  if (!Array.isArray(details)) return { form: fallback };
  const issues = details.flatMap((d: unknown) => {
    if (!d || typeof d !== 'object') return [];
    const { path, message } = d as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') return [];
    return [{ path: path.replace(/^body\./, '').split('.'), message }];
  });
  const errors = toErrors(issues);
  return Object.keys(errors).length > 0 ? errors : { form: fallback };
}

/** 409s the BFF answers for a new patient, shown next to the field the user should change. */
const CONFLICT_FIELDS: Record<string, PatientField> = {
  patient_exists: 'idNumber',
  patient_self_exists: 'relationship',
};

/** Places a failed save's message: 400 details by field path, known 409s by code, the rest on the form. */
export function saveErrors(error: { status: number; code: string; message: string; details?: unknown }): PatientFormErrors {
  if (error.status === 400) return serverErrors(error.details, error.message);
  const field = CONFLICT_FIELDS[error.code];
  return field ? { [field]: error.message } : { form: error.message };
}
