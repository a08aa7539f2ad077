import { createHmac } from 'node:crypto';
import type {
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
} from '@medplum/fhirtypes';
import type { InstitutionLevel } from '../port.js';
import { CareLoopFhir } from '../fhir/codes.js';
import { addDays, addMinutes, formatShanghai, shanghaiDayStart } from './shanghai-time.js';
import { SEED_ALLIANCE, SEED_DEPARTMENTS, SEED_INSTITUTIONS, type SeedInstitution } from './seed-organizations.js';
import { SEED_PRACTITIONERS, TITLE_TEXT, consultationItemCode, roleIdFor } from './seed-practitioners.js';
import { SEED_PRICE_ITEMS, SELF_PAY_FIRST_SHARE, priceAt } from './seed-prices.js';
import {
  SEED_ENCOUNTERS,
  SEED_PATIENTS,
  SEED_REPORTS,
  type SeedImagingStudy,
  type SeedObservation,
  type SeedTime,
} from './seed-patients.js';

/**
 * Turns the seed data into the FHIR R4 resources the simulator serves. Pure: the same seeding
 * day and key always give the same resources.
 */

/** A doctor who holds outpatient clinics, with what slot generation needs. */
export interface BookablePractitioner {
  practitionerId: string;
  roleId: string;
  departmentId: string;
  institutionId: string;
  level: InstitutionLevel;
  expert: boolean;
}

/** Everything seeded, as FHIR resources plus the bookable doctors. */
export interface SeededAlliance {
  resources: Resource[];
  bookable: BookablePractitioner[];
}

/** Options for seeding. */
export interface SeedOptions {
  /** The clock reading the relative seed times are anchored to. */
  now: Date;
  /** Key of the HMAC blind index of resident ID numbers (must match the BFF's). */
  blindIndexKey: string;
}

const HL7 = {
  encounterClass: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  diagnosticServiceSection: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  usageContextType: 'http://terminology.hl7.org/CodeSystem/usage-context-type',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
} as const;

/** The HMAC blind index of a resident ID number, as the BFF computes it (hex SHA-256). */
export function blindIndex(key: string, residentId: string): string {
  return createHmac('sha256', key).update(residentId).digest('hex');
}

/** Completes a 17-digit resident ID number with its GB 11643 check character. */
export function withCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, ch, i) => acc + Number(ch) * (weights[i] ?? 0), 0);
  return first17 + '10X98765432'.charAt(sum % 11);
}

/** Builds every seeded resource anchored at the Shanghai day of `now`. */
export function buildSeed(options: SeedOptions): SeededAlliance {
  const dayStart = shanghaiDayStart(options.now);
  const at = (t: SeedTime): string => {
    const [hh, mm] = t.time.split(':').map(Number);
    return formatShanghai(addMinutes(addDays(dayStart, t.day), (hh ?? 0) * 60 + (mm ?? 0)));
  };
  const lastUpdated = new Date(dayStart.getTime()).toISOString();
  const meta = { versionId: '1', lastUpdated };
  const institutions = new Map(SEED_INSTITUTIONS.map((i) => [i.id, i]));
  const departments = new Map(SEED_DEPARTMENTS.map((d) => [d.id, d]));
  const institutionOf = (departmentId: string): SeedInstitution => {
    const dept = departments.get(departmentId);
    const inst = dept && institutions.get(dept.institutionId);
    if (!inst) throw new Error(`seed: department ${departmentId} has no institution`);
    return inst;
  };
  const resources: Resource[] = [];
  const bookable: BookablePractitioner[] = [];

  const alliance: Organization = {
    resourceType: 'Organization',
    id: SEED_ALLIANCE.id,
    meta,
    active: true,
    name: SEED_ALLIANCE.name,
    alias: [SEED_ALLIANCE.shortName],
    extension: [{ url: CareLoopFhir.descriptionExtension, valueString: SEED_ALLIANCE.description }],
  };
  resources.push(alliance);

  for (const inst of SEED_INSTITUTIONS) {
    const org: Organization = {
      resourceType: 'Organization',
      id: inst.id,
      meta,
      extension: [{ url: CareLoopFhir.descriptionExtension, valueString: inst.description }],
      active: true,
      type: [
        { coding: [{ system: CareLoopFhir.institutionLevelSystem, code: inst.level }] },
        { coding: [{ system: CareLoopFhir.institutionKindSystem, code: inst.kind }] },
      ],
      name: inst.name,
      alias: [inst.shortName],
      telecom: [{ system: 'phone', value: inst.phone, use: 'work' }],
      address: [{ text: inst.address, country: 'CN' }],
      partOf: { reference: `Organization/${CareLoopFhir.allianceOrganizationId}`, display: SEED_ALLIANCE.name },
    };
    resources.push(org);
  }

  for (const dept of SEED_DEPARTMENTS) {
    const service: HealthcareService = {
      resourceType: 'HealthcareService',
      id: dept.id,
      meta,
      active: true,
      providedBy: { reference: `Organization/${dept.institutionId}`, display: institutions.get(dept.institutionId)?.name },
      specialty: [{ coding: [{ system: CareLoopFhir.specialtySystem, code: dept.specialty }], text: dept.name }],
      name: dept.name,
      comment: dept.description,
      appointmentRequired: dept.bookable,
    };
    resources.push(service);
  }

  for (const p of SEED_PRACTITIONERS) {
    const inst = institutionOf(p.departmentId);
    const dept = departments.get(p.departmentId);
    const feeItem = SEED_PRICE_ITEMS.find((i) => i.code === consultationItemCode(inst.level, p.title, p.renowned));
    const fee = feeItem ? priceAt(feeItem, inst.level) : null;
    if (fee === null) throw new Error(`seed: no consultation fee for ${p.id}`);
    const practitioner: Practitioner = {
      resourceType: 'Practitioner',
      id: p.id,
      meta,
      extension: [{ url: CareLoopFhir.descriptionExtension, valueString: p.bio }],
      active: true,
      name: [{ text: p.name, family: p.name.slice(0, 1), given: [p.name.slice(1)] }],
      gender: p.gender,
    };
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: roleIdFor(p.id),
      meta,
      extension: [{ url: CareLoopFhir.consultationFeeExtension, valueMoney: { value: fee / 100, currency: 'CNY' } }],
      active: true,
      practitioner: { reference: `Practitioner/${p.id}`, display: p.name },
      organization: { reference: `Organization/${inst.id}`, display: inst.name },
      healthcareService: [{ reference: `HealthcareService/${p.departmentId}`, display: dept?.name }],
      code: [{ coding: [{ system: CareLoopFhir.titleSystem, code: p.title, display: TITLE_TEXT[p.title] }], text: TITLE_TEXT[p.title] }],
      specialty: p.specialties.map((text) => ({ text })),
    };
    resources.push(practitioner, role);
    if (dept?.bookable) {
      bookable.push({
        practitionerId: p.id,
        roleId: roleIdFor(p.id),
        departmentId: p.departmentId,
        institutionId: inst.id,
        level: inst.level,
        expert: p.title === 'chief' || p.renowned === true,
      });
    }
  }

  for (const inst of SEED_INSTITUTIONS) {
    for (const item of SEED_PRICE_ITEMS) {
      const price = priceAt(item, inst.level);
      if (price === null) continue;
      const id = `cid-${inst.id.replace(/^org-/, '')}-${item.code}`;
      const extension: NonNullable<ChargeItemDefinition['extension']> = [
        { url: CareLoopFhir.insuranceCategoryExtension, valueCode: item.category },
      ];
      if (item.category === 'B') extension.push({ url: CareLoopFhir.selfPayFirstExtension, valueDecimal: SELF_PAY_FIRST_SHARE });
      const definition: ChargeItemDefinition = {
        resourceType: 'ChargeItemDefinition',
        id,
        meta,
        extension,
        url: `https://careloop.example/fhir/ChargeItemDefinition/${id}`,
        title: item.name,
        status: 'active',
        // The publishing member's logical id (publisher is a string in R4); searched with ?publisher=.
        publisher: inst.id,
        useContext: [
          {
            code: { system: HL7.usageContextType, code: 'focus' },
            valueCodeableConcept: { coding: [{ system: CareLoopFhir.itemKindSystem, code: item.kind }] },
          },
        ],
        code: { coding: [{ system: CareLoopFhir.priceItemSystem, code: item.code, display: item.name }], text: item.name },
        propertyGroup: [{ priceComponent: [{ type: 'base', amount: { value: price / 100, currency: 'CNY' } }] }],
      };
      resources.push(definition);
    }
  }

  for (const p of SEED_PATIENTS) {
    const patient: Patient = {
      resourceType: 'Patient',
      id: p.id,
      meta,
      identifier: [
        { system: CareLoopFhir.residentIdBlindIndexSystem, value: blindIndex(options.blindIndexKey, withCheckDigit(p.residentId17)) },
      ],
      active: true,
      name: [{ text: p.name, family: p.name.slice(0, 1), given: [p.name.slice(1)] }],
      gender: p.gender,
      birthDate: p.birthDate,
    };
    resources.push(patient);
  }

  const classOf = { outpatient: 'AMB', inpatient: 'IMP', emergency: 'EMER' } as const;
  const classDisplay = { outpatient: 'ambulatory', inpatient: 'inpatient encounter', emergency: 'emergency' } as const;
  for (const e of SEED_ENCOUNTERS) {
    const inst = institutions.get(e.institutionId);
    const dept = departments.get(e.departmentId);
    if (!inst || !dept) throw new Error(`seed: encounter ${e.id} has an unknown institution or department`);
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: e.id,
      meta,
      extension: [{ url: CareLoopFhir.departmentExtension, valueReference: { reference: `HealthcareService/${dept.id}`, display: dept.name } }],
      status: e.status,
      class: { system: HL7.encounterClass, code: classOf[e.kind], display: classDisplay[e.kind] },
      serviceType: { coding: [{ system: CareLoopFhir.specialtySystem, code: dept.specialty }], text: dept.name },
      subject: { reference: `Patient/${e.patientId}` },
      participant: [{ individual: { reference: `Practitioner/${e.practitionerId}` } }],
      period: { start: at(e.start), ...(e.end ? { end: at(e.end) } : {}) },
      reasonCode: [{ text: e.reason }],
      serviceProvider: { reference: `Organization/${inst.id}`, display: inst.name },
    };
    resources.push(encounter);
    e.charges.forEach((c, index) => {
      const item = SEED_PRICE_ITEMS.find((i) => i.code === c.code);
      const unit = item ? priceAt(item, inst.level) : null;
      if (!item || unit === null) throw new Error(`seed: ${c.code} is not offered at ${inst.id}`);
      const charge: ChargeItem = {
        resourceType: 'ChargeItem',
        id: `chg-${e.id.replace(/^enc-/, '')}-${index + 1}`,
        meta,
        extension: [{ url: CareLoopFhir.insuranceCategoryExtension, valueCode: item.category }],
        definitionCanonical: [`https://careloop.example/fhir/ChargeItemDefinition/cid-${inst.id.replace(/^org-/, '')}-${item.code}`],
        status: 'billed',
        code: { coding: [{ system: CareLoopFhir.priceItemSystem, code: item.code, display: item.name }], text: item.name },
        subject: { reference: `Patient/${e.patientId}` },
        context: { reference: `Encounter/${e.id}` },
        occurrenceDateTime: at(e.start),
        performingOrganization: { reference: `Organization/${inst.id}` },
        quantity: { value: c.quantity },
        // R4: the total price of the line, overriding the catalogue price times quantity.
        priceOverride: { value: (unit * c.quantity) / 100, currency: 'CNY' },
        enteredDate: at(e.end ?? e.start),
      };
      resources.push(charge);
    });
  }

  for (const r of SEED_REPORTS) {
    const inst = institutions.get(r.institutionId);
    const item = SEED_PRICE_ITEMS.find((i) => i.code === r.code);
    if (!inst || !item) throw new Error(`seed: report ${r.id} has an unknown institution or code`);
    const observationIds = r.observations.map((o) => `obs-${r.id.replace(/^rpt-/, '')}-${o.key}`);
    r.observations.forEach((o, index) => {
      resources.push(buildObservation(o, observationIds[index] ?? '', r.patientId, r.encounterId, at(r.effective), r.issued ? at(r.issued) : undefined, inst.id, meta));
    });
    const report: DiagnosticReport = {
      resourceType: 'DiagnosticReport',
      id: r.id,
      meta,
      status: r.status,
      category: [
        {
          coding: [
            r.category === 'lab'
              ? { system: HL7.diagnosticServiceSection, code: 'LAB', display: 'Laboratory' }
              : { system: HL7.diagnosticServiceSection, code: 'RAD', display: 'Radiology' },
          ],
        },
      ],
      code: {
        coding: [
          { system: CareLoopFhir.priceItemSystem, code: r.code, display: item.name },
          ...(r.loinc ? [{ system: HL7.loinc, code: r.loinc }] : []),
        ],
        text: r.name,
      },
      subject: { reference: `Patient/${r.patientId}` },
      encounter: { reference: `Encounter/${r.encounterId}` },
      effectiveDateTime: at(r.effective),
      ...(r.issued ? { issued: at(r.issued) } : {}),
      performer: [{ reference: `Organization/${inst.id}`, display: inst.name }],
      ...(observationIds.length > 0 ? { result: observationIds.map((id) => ({ reference: `Observation/${id}` })) } : {}),
      ...(r.imaging ? { imagingStudy: [{ reference: `ImagingStudy/${r.imaging.id}` }] } : {}),
      ...(r.conclusion ? { conclusion: r.conclusion } : {}),
    };
    resources.push(report);
    if (r.imaging) {
      const study: ImagingStudy = {
        resourceType: 'ImagingStudy',
        id: r.imaging.id,
        meta,
        // The accession number, assigned by the performing member: how a study names its institution in R4.
        identifier: [
          {
            system: `https://careloop.example/fhir/NamingSystem/accession/${inst.id}`,
            value: `ACC${r.imaging.id.replace(/[^a-z0-9]/gi, '').toUpperCase()}`,
            assigner: { reference: `Organization/${inst.id}`, display: inst.name },
          },
        ],
        status: 'available',
        modality: [{ system: HL7.dicom, code: r.imaging.modality }],
        subject: { reference: `Patient/${r.patientId}` },
        encounter: { reference: `Encounter/${r.encounterId}` },
        started: at(r.effective),
        numberOfSeries: r.imaging.numberOfSeries,
        numberOfInstances: r.imaging.numberOfInstances,
        description: r.imaging.description,
        series: seriesOf(r.imaging, inst.id, inst.name),
      };
      resources.push(study);
    }
  }

  return { resources, bookable };
}

/**
 * The series of a study, instances split evenly; each names the performing member, which is how
 * an R4 ImagingStudy says where it was done (it has no organization element).
 */
function seriesOf(study: SeedImagingStudy, institutionId: string, institutionName: string): NonNullable<ImagingStudy['series']> {
  const base = Math.floor(study.numberOfInstances / study.numberOfSeries);
  const numeric = [...study.id].reduce((acc, ch) => (acc * 31 + ch.charCodeAt(0)) % 1_000_000_007, 7);
  return Array.from({ length: study.numberOfSeries }, (_, i) => ({
    uid: `2.25.${numeric}${String(i + 1).padStart(2, '0')}`,
    number: i + 1,
    modality: { system: HL7.dicom, code: study.modality },
    numberOfInstances: i === 0 ? study.numberOfInstances - base * (study.numberOfSeries - 1) : base,
    performer: [{ actor: { reference: `Organization/${institutionId}`, display: institutionName } }],
  }));
}

function buildObservation(
  o: SeedObservation,
  id: string,
  patientId: string,
  encounterId: string,
  effective: string,
  issued: string | undefined,
  institutionId: string,
  meta: { versionId: string; lastUpdated: string },
): Observation {
  const flag = o.high !== undefined && o.value > o.high ? 'H' : o.low !== undefined && o.value < o.low ? 'L' : 'N';
  const flagDisplay = { H: 'High', L: 'Low', N: 'Normal' }[flag];
  const ucum = o.unit.replace('μ', 'u');
  return {
    resourceType: 'Observation',
    id,
    meta,
    status: 'final',
    category: [{ coding: [{ system: HL7.observationCategory, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [{ system: HL7.loinc, code: o.loinc, display: o.name }], text: o.name },
    subject: { reference: `Patient/${patientId}` },
    encounter: { reference: `Encounter/${encounterId}` },
    effectiveDateTime: effective,
    ...(issued ? { issued } : {}),
    performer: [{ reference: `Organization/${institutionId}` }],
    valueQuantity: { value: o.value, unit: o.unit, system: HL7.ucum, code: ucum },
    interpretation: [{ coding: [{ system: HL7.interpretation, code: flag, display: flagDisplay }] }],
    referenceRange: [
      {
        ...(o.low !== undefined ? { low: { value: o.low, unit: o.unit, system: HL7.ucum, code: ucum } } : {}),
        ...(o.high !== undefined ? { high: { value: o.high, unit: o.unit, system: HL7.ucum, code: ucum } } : {}),
        text: rangeText(o),
      },
    ],
  };
}

function rangeText(o: SeedObservation): string {
  if (o.low !== undefined && o.high !== undefined) return `${o.low}–${o.high} ${o.unit}`;
  if (o.high !== undefined) return `< ${o.high} ${o.unit}`;
  if (o.low !== undefined) return `≥ ${o.low} ${o.unit}`;
  return '';
}
