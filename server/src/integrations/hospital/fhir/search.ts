/**
 * Builds FHIR REST paths (relative to the server base) so that no caller-supplied value can
 * change what is asked: logical ids are checked against the FHIR id grammar before they go
 * into a path or a reference, search values have FHIR's own separators (`\ , $ |`) escaped so
 * a value is never split into "or" alternatives, and everything is percent-encoded.
 * See https://hl7.org/fhir/R4/search.html#escaping and https://hl7.org/fhir/R4/datatypes.html#id.
 */

/** FHIR R4 `id`: 1–64 characters of A–Z, a–z, 0–9, `-` and `.`. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Thrown when a value that must be a FHIR logical id is not one; such a resource cannot exist. */
export class InvalidFhirIdError extends Error {
  override readonly name = 'InvalidFhirIdError';
  constructor(resourceType: string) {
    super(`not a valid FHIR id for ${resourceType}`);
  }
}

/** Whether `id` is a syntactically valid FHIR logical id. */
export function isFhirId(id: string): boolean {
  return FHIR_ID.test(id);
}

function checkedId(resourceType: string, id: string): string {
  if (!isFhirId(id)) throw new InvalidFhirIdError(resourceType);
  return id;
}

/** `Type/id` for a read or update (`GET Practitioner/p1`); throws InvalidFhirIdError. */
export function resourcePath(resourceType: string, id: string): string {
  return `${resourceType}/${checkedId(resourceType, id)}`;
}

/** A relative literal reference `Type/id` for search values and resource bodies. */
export function reference(resourceType: string, id: string): string {
  return resourcePath(resourceType, id);
}

/** Escapes FHIR's search separators so the value is matched literally. */
export function escapeSearchValue(value: string): string {
  return value.replace(/[\\,$|]/g, (c) => `\\${c}`);
}

/** A token search value `system|code`, each half escaped. */
export function tokenValue(system: string, code: string): string {
  return `${escapeSearchValue(system)}|${escapeSearchValue(code)}`;
}

/** One search parameter; repeat a name for AND (`start=ge…&start=lt…`). */
export type SearchParam = readonly [name: string, value: string];

/**
 * `Type?name=value&…` with names and values percent-encoded. Values must already be FHIR
 * values (escape literal text with escapeSearchValue / tokenValue; references with reference()).
 */
export function searchPath(resourceType: string, params: readonly SearchParam[]): string {
  const query = params
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return query ? `${resourceType}?${query}` : resourceType;
}
