import type { Bundle, BundleEntry, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { FhirError } from './operation-outcome.js';
import { parseFhirDateRange } from './shanghai-time.js';
import type { SimulatorStore } from './store.js';

/**
 * FHIR search over the store: only the parameters declared here are accepted (anything else is
 * a 400, never silently ignored, so a client typo cannot return "everything"). Repeated
 * parameters are ANDed, comma-separated values ORed, as in FHIR.
 */

/** A search parameter: its FHIR type (for the CapabilityStatement) and how a resource matches one value list. */
interface SearchParam {
  type: 'token' | 'reference' | 'date' | 'string';
  /** True when the resource matches any of the comma-separated values of one occurrence. */
  matches: (resource: Resource, values: string[]) => boolean;
  /** Throws a FhirError for a malformed value, before any resource is looked at. */
  validate?: (value: string) => void;
}

/** What a resource type supports. */
interface TypeSupport {
  params: Record<string, SearchParam>;
  /** `_include` values → the references to follow from a matched resource. */
  includes?: Record<string, (resource: Resource) => Array<Reference | undefined>>;
  /** Interactions beyond read and search-type. */
  writes?: Array<'create' | 'update'>;
}

/** Default and maximum page sizes. */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

/** Parameters every search accepts besides the declared ones (`_offset` is our paging cursor). */
const CONTROL_PARAMS = new Set(['_count', '_include', '_format', '_offset']);

/** Loose view of a resource's fields, for matchers. */
type Fields = Record<string, unknown>;
const f = (r: Resource): Fields => r as unknown as Fields;

const byId: SearchParam = { type: 'token', matches: (r, values) => values.map(unescapeValue).includes(r.id ?? '') };

/** A reference parameter over the references a resource carries; `Type/id` or bare `id`. */
function referenceParam(targetType: string, get: (r: Fields) => Array<Reference | undefined>): SearchParam {
  return {
    type: 'reference',
    matches: (r, values) => {
      const refs = new Set(get(f(r)).map((ref) => ref?.reference).filter((x): x is string => x !== undefined));
      return values.some((v) => refs.has(normaliseReference(unescapeValue(v), targetType)));
    },
  };
}

function normaliseReference(value: string, targetType: string): string {
  const parts = value.split('/').filter(Boolean);
  if (parts.length >= 2) return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  return `${targetType}/${value}`;
}

/** A token parameter over plain codes. */
function codeParam(get: (r: Fields) => unknown): SearchParam {
  return { type: 'token', matches: (r, values) => values.map(unescapeValue).includes(String(get(f(r)))) };
}

/** Splits on a separator not escaped with a backslash (FHIR search escaping). */
function splitUnescaped(value: string, separator: ',' | '|'): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value.charAt(i + 1);
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Removes FHIR search escapes: `\,` `\|` `\$` `\\`. */
function unescapeValue(value: string): string {
  return value.replace(/\\([\\,$|])/g, '$1');
}

/** `identifier=system|value`, `|value`, `system|` or bare `value` (with FHIR `\|` escapes). */
const identifierParam: SearchParam = {
  type: 'token',
  matches: (r, values) => {
    const identifiers = (f(r)['identifier'] as Identifier[] | undefined) ?? [];
    return values.some((v) => {
      const parts = splitUnescaped(v, '|');
      if (parts.length === 1) return identifiers.some((i) => i.value === unescapeValue(v));
      const system = unescapeValue(parts[0] ?? '');
      const value = unescapeValue(parts.slice(1).join('|'));
      return identifiers.some(
        (i) => (value === '' || i.value === value) && (system === '' ? i.system === undefined : i.system === system),
      );
    });
  },
};

/** A date parameter with FHIR prefixes (eq, ne, lt, le, gt, ge, sa, eb) over an instant field. */
function dateParam(get: (r: Fields) => string | undefined): SearchParam {
  return {
    type: 'date',
    matches: (r, values) => {
      const raw = get(f(r));
      if (raw === undefined) return false;
      const at = Date.parse(raw);
      return values.some((v) => dateMatches(at, v));
    },
    validate: (value) => void parseDateValue(value),
  };
}

function parseDateValue(raw: string): { prefix: string; range: { start: number; end: number } } {
  // An unencoded `+08:00` arrives as ` 08:00` (form decoding); read it the way the client meant it.
  const value = raw.replace(/(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:\d{2})$/, '$1+$2');
  const m = /^(eq|ne|lt|le|gt|ge|sa|eb)?(.+)$/.exec(value);
  const range = m?.[2] ? parseFhirDateRange(m[2]) : null;
  if (!m || !range) throw new FhirError(400, 'value', `"${value}" is not a FHIR date search value (e.g. ge2026-11-25T08:00:00+08:00).`);
  return { prefix: m[1] ?? 'eq', range };
}

function dateMatches(at: number, value: string): boolean {
  const { prefix, range } = parseDateValue(value);
  switch (prefix) {
    case 'eq':
      return at >= range.start && at < range.end;
    case 'ne':
      return at < range.start || at >= range.end;
    case 'lt':
    case 'eb':
      return at < range.start;
    case 'le':
      return at < range.end;
    case 'gt':
    case 'sa':
      return at >= range.end;
    default: // ge
      return at >= range.start;
  }
}

const patientOf = (r: Fields): Array<Reference | undefined> => [r['subject'] as Reference | undefined];

/** What each resource type supports. Types not listed here are unknown to the simulator. */
export const SUPPORTED: Readonly<Record<string, TypeSupport>> = {
  Organization: {
    params: { _id: byId, partof: referenceParam('Organization', (r) => [r['partOf'] as Reference | undefined]) },
  },
  HealthcareService: {
    params: { _id: byId, organization: referenceParam('Organization', (r) => [r['providedBy'] as Reference | undefined]) },
  },
  Practitioner: { params: { _id: byId } },
  PractitionerRole: {
    params: {
      _id: byId,
      service: referenceParam('HealthcareService', (r) => (r['healthcareService'] as Reference[] | undefined) ?? []),
      practitioner: referenceParam('Practitioner', (r) => [r['practitioner'] as Reference | undefined]),
      organization: referenceParam('Organization', (r) => [r['organization'] as Reference | undefined]),
    },
    includes: { 'PractitionerRole:practitioner': (r) => [f(r)['practitioner'] as Reference | undefined] },
  },
  Schedule: {
    params: { _id: byId, actor: referenceParam('Practitioner', (r) => (r['actor'] as Reference[] | undefined) ?? []) },
  },
  Slot: {
    params: {
      _id: byId,
      schedule: referenceParam('Schedule', (r) => [r['schedule'] as Reference | undefined]),
      start: dateParam((r) => r['start'] as string | undefined),
      status: codeParam((r) => r['status']),
      identifier: identifierParam,
    },
    // Places added to a session (加号), conditional create by identifier.
    writes: ['create'],
  },
  Appointment: {
    params: { _id: byId, identifier: identifierParam },
    writes: ['create', 'update'],
  },
  ChargeItemDefinition: {
    // publisher is a string in R4; the simulator puts the publishing member's Organization id there.
    // `Organization/org-core` is accepted as well as `org-core`.
    params: {
      _id: byId,
      publisher: {
        type: 'string',
        matches: (r, values) =>
          values.map((v) => unescapeValue(v).replace(/^Organization\//, '')).includes(String(f(r)['publisher'])),
      },
    },
  },
  Patient: { params: { _id: byId, identifier: identifierParam } },
  Encounter: { params: { _id: byId, patient: referenceParam('Patient', patientOf) } },
  ChargeItem: {
    params: {
      _id: byId,
      context: referenceParam('Encounter', (r) => [r['context'] as Reference | undefined]),
      // Not an R4 ChargeItem parameter; accepted as an alias of context for clients that expect it.
      encounter: referenceParam('Encounter', (r) => [r['context'] as Reference | undefined]),
      patient: referenceParam('Patient', patientOf),
    },
  },
  DiagnosticReport: {
    params: { _id: byId, patient: referenceParam('Patient', patientOf) },
    includes: { 'DiagnosticReport:result': (r) => (f(r)['result'] as Reference[] | undefined) ?? [] },
  },
  Observation: { params: { _id: byId, patient: referenceParam('Patient', patientOf) } },
  ImagingStudy: { params: { _id: byId, patient: referenceParam('Patient', patientOf) } },
};

/** Whether the simulator knows a resource type. */
export function isSupportedType(type: string): boolean {
  return Object.hasOwn(SUPPORTED, type);
}

/** Runs a search and returns the searchset page. `baseUrl` is the absolute FHIR base for links. */
export function search(store: SimulatorStore, type: string, query: URLSearchParams, baseUrl: string): Bundle {
  const support = SUPPORTED[type];
  if (!support) throw new FhirError(400, 'not-supported', `Unknown resource type ${type}.`);
  const filters: Array<{ param: SearchParam; values: string[] }> = [];
  const includes: string[] = [];
  let count = DEFAULT_COUNT;
  let offset = 0;
  for (const [name, value] of query) {
    if (CONTROL_PARAMS.has(name)) {
      if (name === '_count') count = nonNegativeInt(name, value, MAX_COUNT);
      if (name === '_offset') offset = nonNegativeInt(name, value, Number.MAX_SAFE_INTEGER);
      if (name === '_format' && !/json/.test(value)) throw new FhirError(400, 'not-supported', 'Only JSON is served (_format=json).');
      if (name === '_include') {
        if (!support.includes?.[value]) {
          throw new FhirError(400, 'not-supported', `_include=${value} is not supported on ${type}.`);
        }
        includes.push(value);
      }
      continue;
    }
    const param = Object.hasOwn(support.params, name) ? support.params[name] : undefined;
    if (!param) {
      const known = Object.keys(support.params).join(', ');
      throw new FhirError(400, 'not-supported', `Unknown search parameter ${name} for ${type} (supported: ${known}).`);
    }
    if (value === '') throw new FhirError(400, 'value', `Search parameter ${name} has no value.`);
    const values = splitUnescaped(value, ',');
    if (param.validate) values.forEach(param.validate);
    filters.push({ param, values });
  }

  const matches = store.list(type).filter((r) => filters.every(({ param, values }) => param.matches(r, values)));
  const page = matches.slice(offset, offset + count);
  const entry: BundleEntry[] = page.map((resource) => ({
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: 'match' },
  }));
  const seen = new Set(page.map((r) => `${r.resourceType}/${r.id}`));
  for (const include of includes) {
    for (const resource of page) {
      for (const ref of support.includes?.[include]?.(resource) ?? []) {
        const key = ref?.reference;
        if (!key || seen.has(key)) continue;
        const [refType, refId] = key.split('/');
        const target = refType && refId ? store.read(refType, refId) : undefined;
        if (!target) continue;
        seen.add(key);
        entry.push({ fullUrl: `${baseUrl}/${key}`, resource: target, search: { mode: 'include' } });
      }
    }
  }

  const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: pageUrl(baseUrl, type, query, offset, count) }];
  if (offset + count < matches.length && count > 0) {
    link.push({ relation: 'next', url: pageUrl(baseUrl, type, query, offset + count, count) });
  }
  if (offset > 0) link.push({ relation: 'previous', url: pageUrl(baseUrl, type, query, Math.max(0, offset - count), count) });
  return { resourceType: 'Bundle', type: 'searchset', total: matches.length, link, entry };
}

function pageUrl(baseUrl: string, type: string, query: URLSearchParams, offset: number, count: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of query) if (name !== '_offset' && name !== '_count') params.append(name, value);
  params.set('_count', String(count));
  if (offset > 0) params.set('_offset', String(offset));
  return `${baseUrl}/${type}?${params.toString()}`;
}

function nonNegativeInt(name: string, value: string, max: number): number {
  if (!/^\d+$/.test(value)) throw new FhirError(400, 'value', `${name} must be a non-negative integer, got "${value}".`);
  return Math.min(Number(value), max);
}
