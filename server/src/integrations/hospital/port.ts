/**
 * The one port through which CareLoop talks to the hospitals' systems (HIS for registration
 * and billing, LIS for lab results, PACS for imaging). Domain types only: no FHIR here. The
 * FHIR R4 adapter (`fhir/`) implements it against any FHIR server; the embedded default is the
 * hospital simulator (`simulator/`), which is such a FHIR server.
 *
 * Money is integer fen; instants are ISO-8601 strings with offset; ids are the hospital's
 * logical ids (strings).
 */

/** Institution level (三级 / 二级 / 一级·社区), which drives prices and insurance ratios. */
export type InstitutionLevel = 'tertiary' | 'secondary' | 'primary';

/** An alliance member institution. */
export interface HospitalInstitution {
  id: string;
  name: string;
  shortName: string;
  level: InstitutionLevel;
  kind: 'hospital' | 'community_health_centre';
  address: string;
  phone: string;
  description: string;
}

/** A clinical department (FHIR HealthcareService). */
export interface HospitalDepartment {
  id: string;
  institutionId: string;
  name: string;
  /** Specialty code, e.g. `cardiology`, `general_practice`. */
  specialty: string;
  description: string;
}

/** Professional title. */
export type PractitionerTitle = 'resident' | 'attending' | 'associate_chief' | 'chief';

/** A doctor in a department (FHIR Practitioner + PractitionerRole). */
export interface HospitalPractitioner {
  id: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  title: PractitionerTitle;
  /** The title in Chinese, e.g. 主任医师. */
  titleText: string;
  institutionId: string;
  departmentId: string;
  specialties: string[];
  bio: string;
  /** Consultation (registration) fee in fen. */
  consultationFee: number;
}

/** A bookable 15-minute slot (FHIR Slot). */
export interface HospitalSlot {
  id: string;
  practitionerId: string;
  /** ISO-8601 instants. */
  start: string;
  end: string;
  status: 'free' | 'busy' | 'busy-unavailable';
  /** A place added to the session (加号, FHIR `Slot.overbooked`): shares a regular slot's time. */
  overbooked?: boolean;
}

/** Options of {@link HospitalSystem.addSlots}. */
export interface AddSlotsOptions {
  /**
   * Our stable id of the request: each added slot carries `key-n` as its identifier, so a
   * retried or repeated call finds the slots it made instead of adding more.
   */
  idempotencyKey?: string;
}

/** Insurance category of a priced item: 甲 fully eligible, 乙 partly (先行自付), 丙 self-pay. */
export type InsuranceCategory = 'A' | 'B' | 'C';

/** A price-catalogue item (FHIR ChargeItemDefinition). */
export interface PriceItem {
  id: string;
  institutionId: string;
  code: string;
  name: string;
  kind: 'consultation' | 'lab' | 'imaging' | 'drug' | 'procedure' | 'other';
  /** Price in fen. */
  price: number;
  insuranceCategory: InsuranceCategory;
  /** For 乙类: the share the patient pays first, in basis points (1000 = 10%). */
  selfPayFirstBasisPoints?: number;
}

/**
 * A registration held or made at the hospital (FHIR Appointment). After the visit the hospital
 * records its outcome: `completed` (the patient came; FHIR `fulfilled`) or `no_show` (FHIR
 * `noshow`); until then an arrived or checked-in patient is still `booked`.
 */
export interface Registration {
  id: string;
  slotId: string;
  practitionerId: string;
  patientId: string;
  status: 'locked' | 'booked' | 'cancelled' | 'completed' | 'no_show';
  start: string;
  end: string;
}

/** Options of {@link HospitalSystem.lockSlot}. */
export interface LockSlotOptions {
  /**
   * Our stable id of the hold (e.g. the appointment id): stored on the hospital's registration
   * so a retried or repeated lock finds the one it made instead of creating a second.
   */
  idempotencyKey?: string;
}

/** A patient in the hospital's master patient index (FHIR Patient). */
export interface HospitalPatient {
  id: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  birthDate: string;
}

/** A visit (FHIR Encounter). */
export interface Encounter {
  id: string;
  patientId: string;
  institutionId: string;
  departmentId?: string;
  practitionerId?: string;
  kind: 'outpatient' | 'inpatient' | 'emergency';
  status: 'planned' | 'in-progress' | 'finished' | 'cancelled';
  start: string;
  end?: string;
}

/** A billed line (FHIR ChargeItem). */
export interface Charge {
  id: string;
  encounterId: string;
  patientId: string;
  code: string;
  name: string;
  quantity: number;
  /** Total for the line in fen. */
  amount: number;
  insuranceCategory: InsuranceCategory;
}

/** One lab result (FHIR Observation). */
export interface LabObservation {
  id: string;
  code: string;
  name: string;
  value: number | string | null;
  unit?: string;
  referenceLow?: number;
  referenceHigh?: number;
  /** H / L / N as the lab flagged it. */
  interpretation?: 'high' | 'low' | 'normal' | 'abnormal';
}

/** A lab or imaging report (FHIR DiagnosticReport). */
export interface DiagnosticReport {
  id: string;
  patientId: string;
  institutionId: string;
  encounterId?: string;
  category: 'lab' | 'imaging';
  code: string;
  name: string;
  status: 'registered' | 'partial' | 'preliminary' | 'final' | 'amended' | 'cancelled';
  issued?: string;
  conclusion?: string;
  observations: LabObservation[];
  imagingStudyIds: string[];
}

/** An imaging study (FHIR ImagingStudy). */
export interface ImagingStudy {
  id: string;
  patientId: string;
  institutionId: string;
  modality: string;
  description: string;
  started: string;
  numberOfSeries: number;
  numberOfInstances: number;
}

/** Reachability of the hospital systems for /healthz. */
export interface HospitalHealth {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

/** What CareLoop needs from the hospitals' systems. */
export interface HospitalSystem {
  health(): Promise<HospitalHealth>;
  listInstitutions(): Promise<HospitalInstitution[]>;
  listDepartments(institutionId: string): Promise<HospitalDepartment[]>;
  listPractitioners(departmentId: string): Promise<HospitalPractitioner[]>;
  getPractitioner(practitionerId: string): Promise<HospitalPractitioner | null>;
  /** Slots of a doctor starting within [from, to). */
  listSlots(practitionerId: string, from: string, to: string): Promise<HospitalSlot[]>;
  listPriceItems(institutionId: string): Promise<PriceItem[]>;
  /**
   * Adds `count` places to a doctor's session (加号): free, overbooked slots on the doctor's
   * schedule, spread over the session's 15-minute times within [session.start, session.end).
   * Returns the created slots. Optional: an adapter without it leaves 加号 to the hospital's own
   * system (the places then arrive with the next inventory sync).
   */
  addSlots?(practitionerId: string, session: { start: string; end: string }, count: number, options?: AddSlotsOptions): Promise<HospitalSlot[]>;
  /**
   * Holds a free slot for a patient (Appointment status pending); fails if the slot is taken.
   * With `idempotencyKey` the hold is safe to repeat: a lock that already landed under that key
   * (e.g. one whose answer timed out) is returned instead of failing on its own hold.
   */
  lockSlot(slotId: string, patientId: string, options?: LockSlotOptions): Promise<Registration>;
  /** Confirms a held registration after payment (Appointment status booked). */
  confirmRegistration(registrationId: string): Promise<Registration>;
  /** Cancels a registration and frees the slot. */
  cancelRegistration(registrationId: string): Promise<Registration>;
  /**
   * Reads a registration (for reconciliation); null when the hospital does not know it.
   * Optional: an adapter without it leaves the hospital side of reconciliation out.
   */
  getRegistration?(registrationId: string): Promise<Registration | null>;
  /**
   * Reads many registrations in one call (visit outcomes are looked up in batches); those the
   * hospital does not know are left out. Optional: without it callers read them one by one.
   */
  getRegistrations?(registrationIds: readonly string[]): Promise<Registration[]>;
  /** Looks up the master patient index by an identifier (e.g. the blind index of an ID number). */
  findPatient(identifierSystem: string, identifierValue: string): Promise<HospitalPatient | null>;
  listEncounters(patientId: string): Promise<Encounter[]>;
  listCharges(encounterId: string): Promise<Charge[]>;
  listDiagnosticReports(patientId: string): Promise<DiagnosticReport[]>;
  getDiagnosticReport(reportId: string): Promise<DiagnosticReport | null>;
  listImagingStudies(patientId: string): Promise<ImagingStudy[]>;
}
