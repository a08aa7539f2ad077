/**
 * DiagnosticReport + Observation → DiagnosticReport with LabObservations, and ImagingStudy →
 * ImagingStudy: what the patient reads in the reports tab. Values, ranges and the lab's own
 * H/L flag are passed on as the lab sent them; we do not re-judge results here.
 */
import { z } from 'zod';
import type { DiagnosticReport, ImagingStudy, LabObservation } from '../../port.js';
import { CareLoopFhir } from '../codes.js';
import {
  CodeableConceptSchema,
  CodingSchema,
  MappingError,
  QuantitySchema,
  ReferenceSchema,
  ResourceBase,
  codeFrom,
  parseResource,
  referenceId,
  requiredReferenceId,
  type CodeableConcept,
} from './datatypes.js';

/** HL7 v2-0074 diagnostic service sections that are imaging. */
const IMAGING_SECTIONS = new Set(['RAD', 'CT', 'MR', 'NMR', 'NMS', 'RUS', 'CUS', 'VUS', 'OUS', 'XRC', 'RX', 'IMG']);
/** …and the laboratory ones (LAB and its sub-sections). */
const LAB_SECTIONS = new Set([
  'LAB', 'HM', 'CH', 'MB', 'MCB', 'MYC', 'PAR', 'SR', 'IMM', 'BLB', 'CP', 'SP', 'TX', 'URN', 'VR', 'HLA', 'BG', 'CG',
]);

function categoryOf(concepts: readonly CodeableConcept[] | undefined, what: string): DiagnosticReport['category'] {
  const codes = (concepts ?? []).flatMap((c) => (c.coding ?? []).map((coding) => coding.code ?? ''));
  if (codes.some((code) => IMAGING_SECTIONS.has(code))) return 'imaging';
  if (codes.some((code) => LAB_SECTIONS.has(code))) return 'lab';
  throw new MappingError(`${what}: unknown category ${codes.join(',') || '(none)'}`);
}

/** The code and human name of a coded test: catalogue code first, else the first coding. */
function codeAndName(concept: CodeableConcept, what: string): { code: string; name: string } {
  const coding = codeFrom(concept, CareLoopFhir.priceItemSystem) ?? concept.coding?.find((c) => c.code);
  if (!coding?.code) throw new MappingError(`${what}: missing code`);
  const name = concept.text?.trim() || coding.display?.trim() || concept.coding?.find((c) => c.display)?.display;
  if (!name) throw new MappingError(`${what}: missing name`);
  return { code: coding.code, name };
}

const ObservationSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Observation'),
  status: z.string().optional(),
  code: CodeableConceptSchema,
  valueQuantity: QuantitySchema.optional(),
  valueString: z.string().optional(),
  valueCodeableConcept: CodeableConceptSchema.optional(),
  interpretation: z.array(CodeableConceptSchema).optional(),
  referenceRange: z
    .array(z.looseObject({ low: QuantitySchema.optional(), high: QuantitySchema.optional() }))
    .optional(),
});

/** v3 ObservationInterpretation codes → the four flags the app shows. */
const INTERPRETATION: Readonly<Record<string, NonNullable<LabObservation['interpretation']>>> = {
  H: 'high',
  HH: 'high',
  HU: 'high',
  '>': 'high',
  L: 'low',
  LL: 'low',
  LU: 'low',
  '<': 'low',
  N: 'normal',
  A: 'abnormal',
  AA: 'abnormal',
};

/** Maps one result, or null when it was cancelled or entered in error. */
export function toObservation(resource: unknown): LabObservation | null {
  const obs = parseResource(ObservationSchema, resource, 'Observation');
  if (obs.status === 'cancelled' || obs.status === 'entered-in-error') return null;
  const what = `Observation/${obs.id}`;
  const { code, name } = codeAndName(obs.code, what);
  let value: LabObservation['value'] = null;
  let unit: string | undefined;
  if (obs.valueQuantity?.value !== undefined) {
    value = obs.valueQuantity.value;
    unit = obs.valueQuantity.unit ?? obs.valueQuantity.code;
  } else if (obs.valueString !== undefined) {
    value = obs.valueString;
  } else if (obs.valueCodeableConcept) {
    value = obs.valueCodeableConcept.text ?? obs.valueCodeableConcept.coding?.[0]?.display ?? null;
  }
  const observation: LabObservation = { id: obs.id, code, name, value };
  if (unit !== undefined) observation.unit = unit;
  const range = obs.referenceRange?.[0];
  if (range?.low?.value !== undefined) observation.referenceLow = range.low.value;
  if (range?.high?.value !== undefined) observation.referenceHigh = range.high.value;
  const flag = (obs.interpretation ?? [])
    .flatMap((c) => c.coding ?? [])
    .map((c) => (c.code !== undefined && Object.hasOwn(INTERPRETATION, c.code) ? INTERPRETATION[c.code] : undefined))
    .find((f) => f !== undefined);
  if (flag) observation.interpretation = flag;
  return observation;
}

const DiagnosticReportSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('DiagnosticReport'),
  status: z.string(),
  category: z.array(CodeableConceptSchema).optional(),
  code: CodeableConceptSchema,
  subject: ReferenceSchema.optional(),
  encounter: ReferenceSchema.optional(),
  performer: z.array(ReferenceSchema).optional(),
  issued: z.string().optional(),
  conclusion: z.string().optional(),
  result: z.array(ReferenceSchema).optional(),
  imagingStudy: z.array(ReferenceSchema).optional(),
});

/** A parsed report before its results are resolved. */
export type DiagnosticReportInput = z.infer<typeof DiagnosticReportSchema>;

/** Parses a DiagnosticReport (throws MappingError when it is not one). */
export function parseDiagnosticReport(resource: unknown): DiagnosticReportInput {
  return parseResource(DiagnosticReportSchema, resource, 'DiagnosticReport');
}

/** The Observation ids a report lists as results, in the report's order. */
export function resultIds(report: DiagnosticReportInput): string[] {
  return (report.result ?? [])
    .map((r) => referenceId(r, 'Observation'))
    .filter((id): id is string => id !== undefined);
}

/** R4 report statuses → the app's; corrected/appended are amendments, the rest are dropped. */
const REPORT_STATUS: Readonly<Record<string, DiagnosticReport['status'] | null>> = {
  registered: 'registered',
  partial: 'partial',
  preliminary: 'preliminary',
  final: 'final',
  amended: 'amended',
  corrected: 'amended',
  appended: 'amended',
  cancelled: 'cancelled',
  'entered-in-error': null,
  unknown: null,
};

/**
 * Maps one report with its resolved results (`observations`, in result order; results the
 * server did not return are left out). Null when the report is entered in error.
 */
export function toDiagnosticReport(
  report: DiagnosticReportInput,
  observations: ReadonlyMap<string, LabObservation | null>,
  patientId?: string,
): DiagnosticReport | null {
  const what = `DiagnosticReport/${report.id}`;
  if (!Object.hasOwn(REPORT_STATUS, report.status)) throw new MappingError(`${what}: unknown status ${report.status}`);
  const status = REPORT_STATUS[report.status];
  if (!status) return null;
  const { code, name } = codeAndName(report.code, what);
  const subject = referenceId(report.subject, 'Patient') ?? patientId;
  if (!subject) throw new MappingError(`${what}: missing subject`);
  const institutionId = report.performer
    ?.map((p) => referenceId(p, 'Organization'))
    .find((id) => id !== undefined);
  if (!institutionId) throw new MappingError(`${what}: missing performing Organization`);
  const mapped: DiagnosticReport = {
    id: report.id,
    patientId: subject,
    institutionId,
    category: categoryOf(report.category, what),
    code,
    name,
    status,
    observations: resultIds(report)
      .map((id) => observations.get(id))
      .filter((o): o is LabObservation => o !== undefined && o !== null),
    imagingStudyIds: (report.imagingStudy ?? [])
      .map((r) => referenceId(r, 'ImagingStudy'))
      .filter((id): id is string => id !== undefined),
  };
  const encounterId = referenceId(report.encounter, 'Encounter');
  if (encounterId) mapped.encounterId = encounterId;
  if (report.issued) mapped.issued = report.issued;
  if (report.conclusion) mapped.conclusion = report.conclusion;
  return mapped;
}

const ImagingStudySchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('ImagingStudy'),
  status: z.string().optional(),
  subject: ReferenceSchema,
  started: z.string().optional(),
  description: z.string().optional(),
  modality: z.array(CodingSchema).optional(),
  numberOfSeries: z.number().int().nonnegative().optional(),
  numberOfInstances: z.number().int().nonnegative().optional(),
  series: z
    .array(
      z.looseObject({
        modality: CodingSchema.optional(),
        numberOfInstances: z.number().int().nonnegative().optional(),
        performer: z.array(z.looseObject({ actor: ReferenceSchema.optional() })).optional(),
      }),
    )
    .optional(),
});

/**
 * Maps one imaging study, or null when cancelled / entered in error. R4 ImagingStudy has no
 * organization element; the institution is the Organization performing a series
 * (`series[].performer[].actor`).
 */
export function toImagingStudy(resource: unknown): ImagingStudy | null {
  const study = parseResource(ImagingStudySchema, resource, 'ImagingStudy');
  if (study.status === 'cancelled' || study.status === 'entered-in-error') return null;
  const what = `ImagingStudy/${study.id}`;
  const series = study.series ?? [];
  const institutionId = series
    .flatMap((s) => s.performer ?? [])
    .map((p) => referenceId(p.actor, 'Organization'))
    .find((id) => id !== undefined);
  if (!institutionId) throw new MappingError(`${what}: missing performing Organization`);
  const modality = study.modality?.find((m) => m.code)?.code ?? series.find((s) => s.modality?.code)?.modality?.code;
  if (!modality) throw new MappingError(`${what}: missing modality`);
  if (!study.started) throw new MappingError(`${what}: missing started`);
  return {
    id: study.id,
    patientId: requiredReferenceId(study.subject, 'Patient', what),
    institutionId,
    modality,
    description: study.description ?? '',
    started: study.started,
    numberOfSeries: study.numberOfSeries ?? series.length,
    numberOfInstances:
      study.numberOfInstances ?? series.reduce((sum, s) => sum + (s.numberOfInstances ?? 0), 0),
  };
}
