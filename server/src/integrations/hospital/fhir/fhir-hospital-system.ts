/**
 * The HospitalSystem port over FHIR R4 REST: the embedded simulator speaks it, and a real
 * hospital's FHIR server is configured to the same interactions and code systems (codes.ts).
 * HTTP resilience lives in FhirClient, resource mapping in mappers/, URL building in search.ts;
 * this class only sequences the interactions each port method needs.
 */
import { randomUUID } from 'node:crypto';
import type {
  AddSlotsOptions,
  Charge,
  DiagnosticReport,
  Encounter,
  HospitalDepartment,
  HospitalHealth,
  HospitalInstitution,
  HospitalPatient,
  HospitalPractitioner,
  HospitalSlot,
  HospitalSystem,
  ImagingStudy,
  LabObservation,
  LockSlotOptions,
  PriceItem,
  Registration,
} from '../port.js';
import { HospitalSystemError, isHospitalSystemError } from '../errors.js';
import { CareLoopFhir } from './codes.js';
import { FhirClient, type FhirClientOptions, type FhirLogger, type SearchEntry } from './fhir-client.js';
import { isRetired, toCharge, toPriceItem, isEnteredInError } from './mappers/charges.js';
import { MappingError } from './mappers/datatypes.js';
import {
  parseDiagnosticReport,
  resultIds,
  toDiagnosticReport,
  toImagingStudy,
  toObservation,
} from './mappers/diagnostics.js';
import { toEncounter } from './mappers/encounter.js';
import { isInactive, toDepartment, toInstitution } from './mappers/organization.js';
import { toPatient } from './mappers/patient.js';
import {
  isActiveRole,
  parsePractitionerRole,
  practitionerIdOf,
  toPractitioner,
} from './mappers/practitioner.js';
import { addedSlot, parseSlot, pendingAppointment, toRegistration, toSchedule, toSlot } from './mappers/scheduling.js';
import {
  InvalidFhirIdError,
  escapeSearchValue,
  isFhirId,
  reference,
  resourcePath,
  searchPath,
  tokenValue,
} from './search.js';

/** Options of the adapter: where the FHIR server is and how patient to be with it. */
export type FhirHospitalSystemOptions = FhirClientOptions;

/** Appointment states in which the visit has begun or ended: too late to cancel. */
const VISIT_STARTED = new Set(['arrived', 'checked-in', 'fulfilled', 'noshow']);

function matches(entries: readonly SearchEntry[], resourceType: string): SearchEntry['resource'][] {
  return entries.filter((e) => e.mode === 'match' && e.resource.resourceType === resourceType).map((e) => e.resource);
}

function byId(entries: readonly SearchEntry[], resourceType: string): Map<string, SearchEntry['resource']> {
  const map = new Map<string, SearchEntry['resource']>();
  for (const { resource } of entries) {
    if (resource.resourceType === resourceType && resource.id !== undefined && !map.has(resource.id)) {
      map.set(resource.id, resource);
    }
  }
  return map;
}

/**
 * The distinct regular times of a session (by start), or, when the hospital lists none, the
 * session cut into 15-minute times.
 */
function sessionTimes(slots: ReadonlyArray<{ start: string; end: string }>, session: { start: string; end: string }): Array<{ start: string; end: string }> {
  const byStart = new Map<number, { start: string; end: string }>();
  for (const slot of slots) if (!byStart.has(instantMs(slot.start))) byStart.set(instantMs(slot.start), { start: slot.start, end: slot.end });
  if (byStart.size > 0) return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, time]) => time);
  const times: Array<{ start: string; end: string }> = [];
  const step = 15 * 60_000;
  for (let ms = instantMs(session.start); ms + step <= instantMs(session.end); ms += step) {
    times.push({ start: new Date(ms).toISOString(), end: new Date(ms + step).toISOString() });
  }
  if (times.length === 0) throw new RangeError(`addSlots: the session ${session.start}–${session.end} has no 15-minute time`);
  return times;
}

function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? 0 : ms;
}

/** HospitalSystem over a FHIR R4 server. */
export class FhirHospitalSystem implements HospitalSystem {
  private readonly client: FhirClient;
  private readonly logger: FhirLogger | undefined;

  constructor(options: FhirHospitalSystemOptions) {
    this.client = new FhirClient(options);
    this.logger = options.logger;
  }

  /** `GET metadata` under the timeout only (no retry, no breaker); never throws. */
  async health(): Promise<HospitalHealth> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      const capability = await this.client.probe('metadata');
      const latencyMs = latency();
      if (capability.resourceType !== 'CapabilityStatement') {
        return { ok: false, latencyMs, detail: 'metadata is not a CapabilityStatement' };
      }
      return this.client.circuitOpen ? { ok: true, latencyMs, detail: 'circuit open' } : { ok: true, latencyMs };
    } catch (error) {
      return {
        ok: false,
        latencyMs: latency(),
        detail: isHospitalSystemError(error) ? error.code : 'hospital_unavailable',
      };
    }
  }

  listInstitutions(): Promise<HospitalInstitution[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('Organization', [['partof', reference('Organization', CareLoopFhir.allianceOrganizationId)]]),
      );
      return matches(entries, 'Organization')
        .filter((org) => !isInactive(org) && org.id !== CareLoopFhir.allianceOrganizationId)
        .map(toInstitution);
    });
  }

  listDepartments(institutionId: string): Promise<HospitalDepartment[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('HealthcareService', [['organization', reference('Organization', institutionId)]]),
      );
      return matches(entries, 'HealthcareService')
        .filter((service) => !isInactive(service))
        .map((service) => toDepartment(service, institutionId));
    }, []);
  }

  listPractitioners(departmentId: string): Promise<HospitalPractitioner[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('PractitionerRole', [
          ['service', reference('HealthcareService', departmentId)],
          ['_include', 'PractitionerRole:practitioner'],
        ]),
      );
      const practitioners = byId(entries, 'Practitioner');
      const seen = new Set<string>();
      const result: HospitalPractitioner[] = [];
      for (const resource of matches(entries, 'PractitionerRole')) {
        const role = parsePractitionerRole(resource);
        if (!isActiveRole(role)) continue;
        const practitionerId = practitionerIdOf(role);
        if (seen.has(practitionerId)) continue;
        seen.add(practitionerId);
        const practitioner = practitioners.get(practitionerId);
        if (!practitioner) {
          throw new MappingError(`PractitionerRole/${role.id}: Practitioner/${practitionerId} not included`);
        }
        result.push(toPractitioner(role, practitioner));
      }
      return result;
    }, []);
  }

  getPractitioner(practitionerId: string): Promise<HospitalPractitioner | null> {
    return this.guard(async () => {
      const practitioner = await this.readOrNull(resourcePath('Practitioner', practitionerId));
      if (!practitioner) return null;
      const entries = await this.client.search(
        searchPath('PractitionerRole', [['practitioner', reference('Practitioner', practitionerId)]]),
      );
      const role = matches(entries, 'PractitionerRole')
        .map(parsePractitionerRole)
        .find((r) => isActiveRole(r) && practitionerIdOf(r) === practitionerId);
      // A doctor with no current role has no department or fee: not bookable, so not found.
      return role ? toPractitioner(role, practitioner) : null;
    }, null);
  }

  listSlots(practitionerId: string, from: string, to: string): Promise<HospitalSlot[]> {
    return this.guard(async () => {
      const schedules = matches(
        await this.client.search(searchPath('Schedule', [['actor', reference('Practitioner', practitionerId)]])),
        'Schedule',
      )
        .map(toSchedule)
        .filter((s) => s !== null);
      const pages = await Promise.all(
        schedules.map((schedule) =>
          this.client.search(
            searchPath('Slot', [
              ['schedule', reference('Schedule', schedule.id)],
              ['start', `ge${escapeSearchValue(from)}`],
              ['start', `lt${escapeSearchValue(to)}`],
            ]),
          ),
        ),
      );
      const slots = new Map<string, HospitalSlot>();
      for (const entries of pages) {
        for (const resource of matches(entries, 'Slot')) {
          const slot = toSlot(parseSlot(resource), practitionerId);
          if (slot && !slots.has(slot.id)) slots.set(slot.id, slot);
        }
      }
      return [...slots.values()].sort(
        (a, b) => instantMs(a.start) - instantMs(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    }, []);
  }

  listPriceItems(institutionId: string): Promise<PriceItem[]> {
    return this.guard(async () => {
      if (!isFhirId(institutionId)) throw new InvalidFhirIdError('Organization');
      const entries = await this.client.search(
        searchPath('ChargeItemDefinition', [['publisher', escapeSearchValue(institutionId)]]),
      );
      return matches(entries, 'ChargeItemDefinition')
        .filter((def) => !isRetired(def))
        .map((def) => toPriceItem(def, institutionId));
    }, []);
  }

  /**
   * 加号: one conditional `POST Slot` per place on the doctor's Schedule, free and overbooked,
   * spread over the session's regular 15-minute times. Each carries `key-n` as its identifier,
   * so a retry (ours or the caller's with the same key) returns the slot instead of adding one.
   */
  addSlots(
    practitionerId: string,
    session: { start: string; end: string },
    count: number,
    options: AddSlotsOptions = {},
  ): Promise<HospitalSlot[]> {
    return this.guard(async () => {
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`addSlots: count must be a positive integer, got ${count}`);
      const schedule = matches(
        await this.client.search(searchPath('Schedule', [['actor', reference('Practitioner', practitionerId)]])),
        'Schedule',
      )
        .map(toSchedule)
        .find((s) => s !== null && s.practitionerId === practitionerId);
      if (!schedule) {
        throw new HospitalSystemError('hospital_not_found', { cause: new Error(`Practitioner/${practitionerId} has no active Schedule`) });
      }
      const entries = await this.client.search(
        searchPath('Slot', [
          ['schedule', reference('Schedule', schedule.id)],
          ['start', `ge${escapeSearchValue(session.start)}`],
          ['start', `lt${escapeSearchValue(session.end)}`],
        ]),
      );
      const times = sessionTimes(
        matches(entries, 'Slot').map(parseSlot).filter((s) => s.status !== 'entered-in-error' && s.overbooked !== true),
        session,
      );
      const key = options.idempotencyKey ?? randomUUID();
      const added: HospitalSlot[] = [];
      for (let j = 0; j < count; j++) {
        const time = times[Math.floor(((j + 0.5) * times.length) / count)]!;
        const identifier = { system: CareLoopFhir.addedSlotSystem, value: `${key}-${j + 1}` };
        const created = await this.client.create('Slot', addedSlot(schedule.id, time, identifier), {
          ifNoneExist: `identifier=${encodeURIComponent(identifier.system)}|${encodeURIComponent(identifier.value)}`,
        });
        const slot = toSlot(parseSlot(created), practitionerId);
        if (slot) added.push(slot);
      }
      return added;
    });
  }

  lockSlot(slotId: string, patientId: string, options: LockSlotOptions = {}): Promise<Registration> {
    return this.guard(async () => {
      if (!isFhirId(patientId)) throw new InvalidFhirIdError('Patient');
      const key = options.idempotencyKey;
      const identifier = key === undefined ? undefined : { system: CareLoopFhir.bookingHoldSystem, value: key };
      if (identifier) {
        // A lock that already landed under this key (its answer lost to a time-out) holds the
        // slot itself: find it before the slot's own status says "busy".
        const entries = await this.client.search(
          searchPath('Appointment', [['identifier', tokenValue(identifier.system, identifier.value)]]),
        );
        const existing = matches(entries, 'Appointment').map(toRegistration).find((r) => r.slotId === slotId);
        if (existing) return existing;
      }
      const slot = parseSlot(await this.client.read(resourcePath('Slot', slotId)));
      if (slot.status !== 'free') {
        throw new HospitalSystemError('hospital_conflict', { cause: new Error(`Slot/${slot.id} is ${slot.status}`) });
      }
      const schedule = toSchedule(await this.client.read(resourcePath('Schedule', slot.scheduleId)));
      if (!schedule?.practitionerId) {
        throw new MappingError(`Schedule/${slot.scheduleId}: no active Practitioner actor`);
      }
      const body = pendingAppointment(slot, patientId, schedule.practitionerId, identifier);
      const created = identifier
        ? await this.client.create('Appointment', body, {
            ifNoneExist: `identifier=${encodeURIComponent(identifier.system)}|${encodeURIComponent(identifier.value)}`,
          })
        : await this.client.create('Appointment', body);
      return toRegistration(created);
    });
  }

  confirmRegistration(registrationId: string): Promise<Registration> {
    return this.guard(() => this.transition(registrationId, 'booked'));
  }

  cancelRegistration(registrationId: string): Promise<Registration> {
    return this.guard(() => this.transition(registrationId, 'cancelled'));
  }

  getRegistration(registrationId: string): Promise<Registration | null> {
    return this.guard(async () => {
      const appointment = await this.readOrNull(resourcePath('Appointment', registrationId));
      return appointment ? toRegistration(appointment) : null;
    }, null);
  }

  getRegistrations(registrationIds: readonly string[]): Promise<Registration[]> {
    return this.guard(async () => {
      // Ids that cannot be FHIR ids cannot exist there: left out, like unknown ones.
      const ids = [...new Set(registrationIds)].filter(isFhirId);
      if (ids.length === 0) return [];
      const entries = await this.client.search(
        searchPath('Appointment', [
          ['_id', ids.map(escapeSearchValue).join(',')],
          ['_count', String(ids.length)],
        ]),
      );
      return matches(entries, 'Appointment').map(toRegistration);
    });
  }

  findPatient(identifierSystem: string, identifierValue: string): Promise<HospitalPatient | null> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('Patient', [['identifier', tokenValue(identifierSystem, identifierValue)]]),
      );
      const patients = matches(entries, 'Patient').filter((p) => !isInactive(p));
      if (patients.length > 1) {
        // Duplicate records for one identifier happen in real MPIs; say so, take the first.
        this.logger?.warn({ matches: patients.length }, 'hospital MPI has several patients for one identifier');
      }
      return patients[0] ? toPatient(patients[0]) : null;
    });
  }

  listEncounters(patientId: string): Promise<Encounter[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('Encounter', [['patient', reference('Patient', patientId)]]),
      );
      return matches(entries, 'Encounter')
        .map((enc) => toEncounter(enc, patientId))
        .filter((enc) => enc !== null);
    }, []);
  }

  listCharges(encounterId: string): Promise<Charge[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('ChargeItem', [['context', reference('Encounter', encounterId)]]),
      );
      return matches(entries, 'ChargeItem')
        .filter((item) => !isEnteredInError(item))
        .map((item) => toCharge(item, encounterId));
    }, []);
  }

  listDiagnosticReports(patientId: string): Promise<DiagnosticReport[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('DiagnosticReport', [
          ['patient', reference('Patient', patientId)],
          ['_include', 'DiagnosticReport:result'],
        ]),
      );
      const observations = new Map<string, LabObservation | null>();
      for (const [id, resource] of byId(entries, 'Observation')) observations.set(id, toObservation(resource));
      const reports: DiagnosticReport[] = [];
      for (const resource of matches(entries, 'DiagnosticReport')) {
        const report = parseDiagnosticReport(resource);
        this.warnMissingResults(report.id, resultIds(report), observations);
        const mapped = toDiagnosticReport(report, observations, patientId);
        if (mapped) reports.push(mapped);
      }
      return reports;
    }, []);
  }

  getDiagnosticReport(reportId: string): Promise<DiagnosticReport | null> {
    return this.guard(async () => {
      const resource = await this.readOrNull(resourcePath('DiagnosticReport', reportId));
      if (!resource) return null;
      const report = parseDiagnosticReport(resource);
      const ids = [...new Set(resultIds(report))];
      const observations = new Map<string, LabObservation | null>();
      const results = await Promise.all(ids.map((id) => this.readOrNull(resourcePath('Observation', id))));
      results.forEach((result, i) => {
        if (result) observations.set(ids[i]!, toObservation(result));
      });
      this.warnMissingResults(report.id, ids, observations);
      return toDiagnosticReport(report, observations);
    }, null);
  }

  listImagingStudies(patientId: string): Promise<ImagingStudy[]> {
    return this.guard(async () => {
      const entries = await this.client.search(
        searchPath('ImagingStudy', [['patient', reference('Patient', patientId)]]),
      );
      return matches(entries, 'ImagingStudy')
        .map(toImagingStudy)
        .filter((study) => study !== null);
    }, []);
  }

  /**
   * Moves an Appointment to booked or cancelled with a version-aware PUT. Idempotent: if it is
   * already there nothing is sent, and a PUT that lost a race (or whose first try did land
   * before a retry) is settled by reading the appointment again.
   */
  private async transition(registrationId: string, target: 'booked' | 'cancelled'): Promise<Registration> {
    const path = resourcePath('Appointment', registrationId);
    const current = await this.client.read(path);
    const registration = toRegistration(current);
    if (registration.status === target) return registration;
    // The visit already happened (a confirm retried that late): the registration was used.
    if (target === 'booked' && (registration.status === 'completed' || registration.status === 'no_show')) return registration;
    if (target === 'booked' && registration.status === 'cancelled') {
      throw new HospitalSystemError('hospital_conflict', {
        message: '该挂号已取消（可能已超时释放），请重新选择号源',
        cause: new Error(`${path} is cancelled`),
      });
    }
    if (target === 'cancelled' && VISIT_STARTED.has(String(current.status))) {
      throw new HospitalSystemError('hospital_conflict', {
        message: '已到诊或就诊已结束，无法取消该挂号',
        cause: new Error(`${path} is ${String(current.status)}`),
      });
    }
    const meta = current.meta as { versionId?: unknown } | undefined;
    const ifMatch = typeof meta?.versionId === 'string' ? `W/"${meta.versionId}"` : undefined;
    try {
      return toRegistration(await this.client.update(path, { ...current, status: target }, ifMatch));
    } catch (error) {
      if (!isHospitalSystemError(error, 'hospital_conflict')) throw error;
      const again = toRegistration(await this.client.read(path));
      if (again.status === target) return again;
      throw error;
    }
  }

  /** A read where 404/410 means "there is none". */
  private async readOrNull(path: string): Promise<Record<string, unknown> | null> {
    try {
      return await this.client.read(path);
    } catch (error) {
      if (isHospitalSystemError(error, 'hospital_not_found')) return null;
      throw error;
    }
  }

  private warnMissingResults(
    reportId: string,
    ids: readonly string[],
    observations: ReadonlyMap<string, LabObservation | null>,
  ): void {
    const missing = ids.filter((id) => !observations.has(id)).length;
    if (missing > 0) {
      this.logger?.warn({ reportId, missing }, 'hospital FHIR report results were not returned; left out');
    }
  }

  /**
   * Runs one port method: a resource we cannot map becomes `hospital_bad_response`; an id that
   * cannot be a FHIR id yields `whenInvalidId` (nothing can exist under it) or, without one,
   * `hospital_not_found`.
   */
  private async guard<T>(fn: () => Promise<T>, ...whenInvalidId: [] | [T]): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof MappingError) {
        this.logger?.warn({ detail: error.message }, 'hospital FHIR response could not be mapped');
        throw new HospitalSystemError('hospital_bad_response', { cause: error });
      }
      if (error instanceof InvalidFhirIdError) {
        if (whenInvalidId.length === 1) return whenInvalidId[0];
        throw new HospitalSystemError('hospital_not_found', { cause: error });
      }
      throw error;
    }
  }
}
