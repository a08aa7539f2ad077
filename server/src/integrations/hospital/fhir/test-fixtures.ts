/**
 * Builders for the FHIR resources a hospital server sends, typed with @medplum/fhirtypes so the
 * fixtures are real R4 shapes, plus an msw server helper that counts requests. Each builder
 * takes domain-level inputs so a test reads like the data it expects back.
 */
import type {
  Appointment,
  Bundle,
  ChargeItem,
  ChargeItemDefinition,
  DiagnosticReport,
  Encounter,
  HealthcareService,
  ImagingStudy,
  Observation,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CareLoopFhir } from './codes.js';

/** The FHIR base the tests point the adapter at. */
export const BASE = 'http://his.test/fhir';

/** A FHIR JSON response, as a FHIR server labels it. */
export function fhirJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): HttpResponse<string> {
  return new HttpResponse(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { 'Content-Type': 'application/fhir+json', ...init.headers },
  });
}

/** An OperationOutcome error body with a status. */
export function outcome(status: number, diagnostics: string): HttpResponse<string> {
  return fhirJson(
    { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics }] },
    { status },
  );
}

/** A searchset page: matches, `_include`d resources, and optionally a `next` link. */
export function searchset(
  found: readonly Resource[],
  options: { include?: readonly Resource[]; next?: string; self?: string } = {},
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: found.length,
    link: [
      { relation: 'self', url: options.self ?? `${BASE}/search` },
      ...(options.next ? [{ relation: 'next', url: options.next }] : []),
    ],
    entry: [
      ...found.map((resource) => ({
        fullUrl: `${BASE}/${resource.resourceType}/${resource.id}`,
        resource,
        search: { mode: 'match' as const },
      })),
      ...(options.include ?? []).map((resource) => ({
        fullUrl: `${BASE}/${resource.resourceType}/${resource.id}`,
        resource,
        search: { mode: 'include' as const },
      })),
    ],
  };
}

export function organizationResource(o: {
  id: string;
  name: string;
  alias?: string;
  level: string;
  kind: string;
  address?: string;
  phone?: string;
  description?: string;
}): Organization {
  return {
    resourceType: 'Organization',
    id: o.id,
    active: true,
    name: o.name,
    ...(o.alias ? { alias: [o.alias] } : {}),
    type: [
      { coding: [{ system: CareLoopFhir.institutionLevelSystem, code: o.level }] },
      { coding: [{ system: CareLoopFhir.institutionKindSystem, code: o.kind }] },
    ],
    telecom: [
      { system: 'url', value: 'https://example.org' },
      ...(o.phone ? [{ system: 'phone' as const, value: o.phone }] : []),
    ],
    ...(o.address ? { address: [{ text: o.address }] } : {}),
    partOf: { reference: `Organization/${CareLoopFhir.allianceOrganizationId}` },
    ...(o.description
      ? { extension: [{ url: CareLoopFhir.descriptionExtension, valueString: o.description }] }
      : {}),
  };
}

export function healthcareServiceResource(h: {
  id: string;
  orgId: string;
  name: string;
  specialty: string;
  comment?: string;
}): HealthcareService {
  return {
    resourceType: 'HealthcareService',
    id: h.id,
    active: true,
    providedBy: { reference: `Organization/${h.orgId}` },
    name: h.name,
    specialty: [{ coding: [{ system: CareLoopFhir.specialtySystem, code: h.specialty }] }],
    ...(h.comment ? { comment: h.comment } : {}),
  };
}

export function practitionerResource(p: { id: string; name: string; gender?: Practitioner['gender']; bio?: string }): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: p.id,
    name: [{ text: p.name }],
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.bio ? { extension: [{ url: CareLoopFhir.descriptionExtension, valueString: p.bio }] } : {}),
  };
}

export function practitionerRoleResource(r: {
  id: string;
  practitionerId: string;
  orgId: string;
  deptId: string;
  title: string;
  titleDisplay?: string;
  specialties?: string[];
  /** Fee as the hospital writes it: decimal CNY. */
  feeYuan?: number;
  active?: boolean;
}): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id: r.id,
    active: r.active ?? true,
    practitioner: { reference: `Practitioner/${r.practitionerId}` },
    organization: { reference: `Organization/${r.orgId}` },
    healthcareService: [{ reference: `HealthcareService/${r.deptId}` }],
    code: [
      {
        coding: [
          { system: CareLoopFhir.titleSystem, code: r.title, ...(r.titleDisplay ? { display: r.titleDisplay } : {}) },
        ],
      },
    ],
    specialty: (r.specialties ?? []).map((text) => ({ text })),
    ...(r.feeYuan !== undefined
      ? {
          extension: [
            { url: CareLoopFhir.consultationFeeExtension, valueMoney: { value: r.feeYuan, currency: 'CNY' as const } },
          ],
        }
      : {}),
  };
}

export function scheduleResource(s: { id: string; practitionerId: string; active?: boolean }): Schedule {
  return {
    resourceType: 'Schedule',
    id: s.id,
    active: s.active ?? true,
    actor: [{ reference: `Practitioner/${s.practitionerId}` }],
  };
}

export function slotResource(s: {
  id: string;
  scheduleId: string;
  status: Slot['status'];
  start: string;
  end: string;
}): Slot {
  return {
    resourceType: 'Slot',
    id: s.id,
    schedule: { reference: `Schedule/${s.scheduleId}` },
    status: s.status,
    start: s.start,
    end: s.end,
  };
}

export function appointmentResource(a: {
  id: string;
  slotId: string;
  patientId: string;
  practitionerId: string;
  status: Appointment['status'];
  start: string;
  end: string;
  versionId?: string;
}): Appointment {
  return {
    resourceType: 'Appointment',
    id: a.id,
    ...(a.versionId ? { meta: { versionId: a.versionId } } : {}),
    status: a.status,
    slot: [{ reference: `Slot/${a.slotId}` }],
    participant: [
      { actor: { reference: `Patient/${a.patientId}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${a.practitionerId}` }, status: 'accepted' },
    ],
    start: a.start,
    end: a.end,
  };
}

export function chargeItemDefinitionResource(c: {
  id: string;
  orgId: string;
  code: string;
  title: string;
  kind?: string;
  priceYuan?: number;
  category?: string;
  selfPayFirst?: number;
  status?: ChargeItemDefinition['status'];
}): ChargeItemDefinition {
  return {
    resourceType: 'ChargeItemDefinition',
    id: c.id,
    url: `https://careloop.example/fhir/ChargeItemDefinition/${c.id}`,
    status: c.status ?? 'active',
    publisher: c.orgId,
    title: c.title,
    code: { coding: [{ system: CareLoopFhir.priceItemSystem, code: c.code, display: c.title }] },
    ...(c.kind
      ? {
          useContext: [
            {
              code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'focus' },
              valueCodeableConcept: { coding: [{ system: CareLoopFhir.itemKindSystem, code: c.kind }] },
            },
          ],
        }
      : {}),
    extension: [
      ...(c.category ? [{ url: CareLoopFhir.insuranceCategoryExtension, valueCode: c.category }] : []),
      ...(c.selfPayFirst !== undefined ? [{ url: CareLoopFhir.selfPayFirstExtension, valueDecimal: c.selfPayFirst }] : []),
    ],
    ...(c.priceYuan !== undefined
      ? {
          propertyGroup: [
            { priceComponent: [{ type: 'base' as const, amount: { value: c.priceYuan, currency: 'CNY' as const } }] },
          ],
        }
      : {}),
  };
}

export function patientResource(p: {
  id: string;
  name: string;
  gender: Patient['gender'];
  birthDate?: string;
  identifier?: { system: string; value: string };
}): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    active: true,
    ...(p.identifier ? { identifier: [p.identifier] } : {}),
    name: [{ text: p.name }],
    gender: p.gender,
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
  };
}

export function encounterResource(e: {
  id: string;
  patientId: string;
  orgId: string;
  deptId?: string;
  practitionerId?: string;
  classCode: string;
  status: Encounter['status'];
  start: string;
  end?: string;
}): Encounter {
  return {
    resourceType: 'Encounter',
    id: e.id,
    status: e.status,
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: e.classCode },
    subject: { reference: `Patient/${e.patientId}` },
    serviceProvider: { reference: `Organization/${e.orgId}` },
    ...(e.practitionerId ? { participant: [{ individual: { reference: `Practitioner/${e.practitionerId}` } }] } : {}),
    period: { start: e.start, ...(e.end ? { end: e.end } : {}) },
    ...(e.deptId
      ? { extension: [{ url: CareLoopFhir.departmentExtension, valueReference: { reference: `HealthcareService/${e.deptId}` } }] }
      : {}),
  };
}

export function chargeItemResource(c: {
  id: string;
  encounterId: string;
  patientId: string;
  code: string;
  name: string;
  quantity: number;
  totalYuan: number;
  category: string;
  status?: ChargeItem['status'];
}): ChargeItem {
  return {
    resourceType: 'ChargeItem',
    id: c.id,
    status: c.status ?? 'billed',
    code: { coding: [{ system: CareLoopFhir.priceItemSystem, code: c.code, display: c.name }] },
    subject: { reference: `Patient/${c.patientId}` },
    context: { reference: `Encounter/${c.encounterId}` },
    quantity: { value: c.quantity },
    priceOverride: { value: c.totalYuan, currency: 'CNY' },
    extension: [{ url: CareLoopFhir.insuranceCategoryExtension, valueCode: c.category }],
  };
}

export function observationResource(o: {
  id: string;
  loinc: string;
  name: string;
  value?: number | string;
  unit?: string;
  low?: number;
  high?: number;
  flag?: string;
}): Observation {
  return {
    resourceType: 'Observation',
    id: o.id,
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: o.loinc, display: o.name }], text: o.name },
    ...(typeof o.value === 'number'
      ? { valueQuantity: { value: o.value, ...(o.unit ? { unit: o.unit, system: 'http://unitsofmeasure.org', code: o.unit } : {}) } }
      : typeof o.value === 'string'
        ? { valueString: o.value }
        : {}),
    ...(o.low !== undefined || o.high !== undefined
      ? {
          referenceRange: [
            {
              ...(o.low !== undefined ? { low: { value: o.low, unit: o.unit } } : {}),
              ...(o.high !== undefined ? { high: { value: o.high, unit: o.unit } } : {}),
            },
          ],
        }
      : {}),
    ...(o.flag
      ? {
          interpretation: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: o.flag }] },
          ],
        }
      : {}),
  };
}

export function diagnosticReportResource(d: {
  id: string;
  patientId: string;
  orgId: string;
  encounterId?: string;
  category: 'LAB' | 'RAD';
  code: string;
  loinc?: string;
  name: string;
  status: DiagnosticReport['status'];
  issued?: string;
  conclusion?: string;
  resultIds?: string[];
  imagingStudyIds?: string[];
}): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id: d.id,
    status: d.status,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: d.category }] }],
    code: {
      coding: [
        { system: CareLoopFhir.priceItemSystem, code: d.code },
        ...(d.loinc ? [{ system: 'http://loinc.org', code: d.loinc }] : []),
      ],
      text: d.name,
    },
    subject: { reference: `Patient/${d.patientId}` },
    ...(d.encounterId ? { encounter: { reference: `Encounter/${d.encounterId}` } } : {}),
    performer: [{ reference: `Organization/${d.orgId}` }],
    ...(d.issued ? { issued: d.issued } : {}),
    ...(d.conclusion ? { conclusion: d.conclusion } : {}),
    ...(d.resultIds ? { result: d.resultIds.map((id) => ({ reference: `Observation/${id}` })) } : {}),
    ...(d.imagingStudyIds
      ? { imagingStudy: d.imagingStudyIds.map((id) => ({ reference: `ImagingStudy/${id}` })) }
      : {}),
  };
}

export function imagingStudyResource(i: {
  id: string;
  patientId: string;
  orgId: string;
  modality: string;
  description: string;
  started: string;
  numberOfSeries: number;
  numberOfInstances: number;
}): ImagingStudy {
  return {
    resourceType: 'ImagingStudy',
    id: i.id,
    status: 'available',
    subject: { reference: `Patient/${i.patientId}` },
    started: i.started,
    modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: i.modality }],
    description: i.description,
    numberOfSeries: i.numberOfSeries,
    numberOfInstances: i.numberOfInstances,
    series: [
      {
        uid: '1.2.840.113619.2.1',
        modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: i.modality },
        performer: [{ actor: { reference: `Organization/${i.orgId}` } }],
      },
    ],
  };
}

/**
 * An msw server faking the hospital at the HTTP boundary; unhandled requests fail the test.
 * `requests` lists `METHOD path?query` of every request that reached it, for "no request was
 * sent" assertions.
 */
export function fakeHospital() {
  const server = setupServer();
  const requests: string[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}${url.search}`);
  });
  return {
    server,
    requests,
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    reset: () => {
      server.resetHandlers();
      requests.length = 0;
    },
    close: () => server.close(),
  };
}
