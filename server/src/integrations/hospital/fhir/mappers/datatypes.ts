/**
 * The FHIR R4 datatypes the mappers read (Coding, CodeableConcept, Reference, Extension, Money,
 * Quantity, Period), as zod schemas that check only what we use and let everything else through,
 * plus the small readers every resource mapper needs. A value that is missing or of the wrong
 * shape becomes a MappingError, which the adapter turns into `hospital_bad_response`.
 */
import { z } from 'zod';

/** A resource (or part of one) the hospital sent that we cannot map; names where and why. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
}

/** Coding: only system and code matter to us; display is the human text. */
export const CodingSchema = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
});
export type Coding = z.infer<typeof CodingSchema>;

export const CodeableConceptSchema = z.looseObject({
  coding: z.array(CodingSchema).optional(),
  text: z.string().optional(),
});
export type CodeableConcept = z.infer<typeof CodeableConceptSchema>;

export const ReferenceSchema = z.looseObject({
  reference: z.string().optional(),
  display: z.string().optional(),
});
export type Reference = z.infer<typeof ReferenceSchema>;

export const MoneySchema = z.looseObject({
  value: z.number().optional(),
  currency: z.string().optional(),
});
export type Money = z.infer<typeof MoneySchema>;

export const QuantitySchema = z.looseObject({
  value: z.number().optional(),
  unit: z.string().optional(),
  code: z.string().optional(),
});

export const PeriodSchema = z.looseObject({
  start: z.string().optional(),
  end: z.string().optional(),
});

export const ExtensionSchema = z.looseObject({
  url: z.string(),
  valueString: z.string().optional(),
  valueCode: z.string().optional(),
  valueDecimal: z.number().optional(),
  valueMoney: MoneySchema.optional(),
  valueReference: ReferenceSchema.optional(),
});
export type Extension = z.infer<typeof ExtensionSchema>;

/** Fields every resource we read carries. */
export const ResourceBase = {
  id: z.string().min(1),
  extension: z.array(ExtensionSchema).optional(),
};

/**
 * Parses `value` with `schema`, turning a zod failure into a MappingError that names the
 * resource and the first offending path (never the value: it may be health data).
 */
export function parseResource<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  throw new MappingError(`${what}: invalid ${path || 'resource'} (${issue?.message ?? 'unknown'})`);
}

/** The code of the first coding with `system`, looking through one or more concepts. */
export function codeFrom(
  concepts: CodeableConcept | readonly CodeableConcept[] | undefined,
  system: string,
): Coding | undefined {
  const list = concepts === undefined ? [] : Array.isArray(concepts) ? concepts : [concepts];
  for (const concept of list as readonly CodeableConcept[]) {
    const coding = concept.coding?.find((c) => c.system === system && c.code);
    if (coding) return coding;
  }
  return undefined;
}

/** The extension with `url`, if present. */
export function extensionFrom(
  extensions: readonly Extension[] | undefined,
  url: string,
): Extension | undefined {
  return extensions?.find((e) => e.url === url);
}

/**
 * The logical id from a reference to `resourceType`: accepts `Type/id`, `Type/id/_history/v`
 * and absolute `https://…/Type/id`. Undefined when it refers to something else.
 */
export function referenceId(ref: Reference | undefined, resourceType: string): string | undefined {
  const value = ref?.reference;
  if (!value) return undefined;
  const match = /(?:^|\/)([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(value);
  if (!match || match[1] !== resourceType) return undefined;
  return match[2];
}

/** Like referenceId but a missing or foreign reference is a MappingError. */
export function requiredReferenceId(
  ref: Reference | undefined,
  resourceType: string,
  what: string,
): string {
  const id = referenceId(ref, resourceType);
  if (id === undefined) throw new MappingError(`${what}: missing reference to ${resourceType}`);
  return id;
}

/**
 * Scales a JSON decimal by 10^digits to an integer, rounding half away from zero, without
 * binary floating-point drift: the shortest decimal text of the number (what the hospital
 * wrote, for any value with ≤15 significant digits) is shifted as a string. `1.005` yuan is
 * 101 fen here, where `Math.round(1.005 * 100)` gives 100.
 */
export function scaleDecimal(value: number, digits: number): number {
  if (!Number.isFinite(value)) throw new MappingError(`not a finite decimal: ${value}`);
  const text = Math.abs(value).toString();
  let intPart: string;
  let fracPart: string;
  const exp = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (exp) {
    // 1e-7 or 1e+21: move the point by hand.
    const digitsText = `${exp[1]}${exp[2] ?? ''}`;
    const point = exp[1]!.length + Number(exp[3]);
    const padded = point <= 0 ? `${'0'.repeat(1 - point)}${digitsText}` : digitsText.padEnd(point, '0');
    const at = Math.max(point, 1);
    intPart = padded.slice(0, at);
    fracPart = padded.slice(at);
  } else {
    [intPart = '0', fracPart = ''] = text.split('.');
  }
  const kept = `${intPart}${fracPart.slice(0, digits).padEnd(digits, '0')}`;
  let scaled = Number(kept);
  if ((fracPart.charCodeAt(digits) || 48) >= 53 /* '5' */) scaled += 1;
  if (!Number.isSafeInteger(scaled)) throw new MappingError(`decimal out of range: ${value}`);
  return value < 0 && scaled !== 0 ? -scaled : scaled;
}

/** FHIR Money (decimal CNY) → integer fen. Other currencies are refused, not converted. */
export function moneyToFen(money: Money | undefined, what: string): number {
  if (money?.value === undefined) throw new MappingError(`${what}: missing amount`);
  if (money.currency !== undefined && money.currency !== 'CNY') {
    throw new MappingError(`${what}: currency ${money.currency} is not CNY`);
  }
  return scaleDecimal(money.value, 2);
}

/** A share as a decimal fraction (0.10) → basis points (1000). */
export function fractionToBasisPoints(value: number): number {
  return scaleDecimal(value, 4);
}

/** Patient/Practitioner gender; FHIR `other` has no place in the domain, so it is unknown. */
export function genderFrom(gender: string | undefined): 'male' | 'female' | 'unknown' {
  return gender === 'male' || gender === 'female' ? gender : 'unknown';
}

/** HumanName as one string: `text`, else family + given run together as Chinese names are. */
export const HumanNameSchema = z.looseObject({
  text: z.string().optional(),
  family: z.string().optional(),
  given: z.array(z.string()).optional(),
});
export function nameFrom(
  names: readonly z.infer<typeof HumanNameSchema>[] | undefined,
  what: string,
): string {
  const first = names?.[0];
  const text = first?.text?.trim() || `${first?.family ?? ''}${(first?.given ?? []).join('')}`.trim();
  if (!text) throw new MappingError(`${what}: missing name`);
  return text;
}
