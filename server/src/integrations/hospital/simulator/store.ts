import { randomUUID } from 'node:crypto';
import type { Appointment, AppointmentParticipant, Identifier, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import { AddedSlots, type AddedSlot } from './added-slots.js';
import { buildSeed, type BookablePractitioner } from './build-resources.js';
import { FhirError } from './operation-outcome.js';
import { addDays, formatShanghai, shanghaiDayStart } from './shanghai-time.js';
import {
  SLOT_MINUTES,
  SLOT_WINDOW_DAYS,
  generateSlots,
  practitionerOfSlotId,
  scheduleIdFor,
  slotDayKey,
  type GeneratedSlot,
} from './slots.js';

/** What the store needs from the outside. */
export interface StoreOptions {
  now: () => Date;
  blindIndexKey: string;
  /**
   * Hours after a booked appointment's slot ended when the hospital records it as seen
   * (`fulfilled`) unless it was marked `noshow` (default {@link DEFAULT_AUTO_FULFIL_HOURS}).
   */
  autoFulfilAfterHours?: number;
}

/** Default of {@link StoreOptions.autoFulfilAfterHours}: the clinic closes its day's visits by then. */
export const DEFAULT_AUTO_FULFIL_HOURS = 4;

/** A visit outcome the hospital records (test control `/__sim/appointments/:id/outcome`). */
export type VisitOutcome = 'fulfilled' | 'noshow';

/** Appointment states a visit outcome can be recorded on: the patient was expected. */
const AWAITING_OUTCOME = new Set(['booked', 'arrived', 'checked-in']);

/**
 * The simulator's in-memory hospital: the seeded resources, schedules and slots derived from the
 * clock, and the appointments patients make. Every mutation is synchronous, so on Node's single
 * thread a slot check and its hold cannot interleave with another request: two POSTs for one
 * slot cannot both win.
 */
export class SimulatorStore {
  private resources = new Map<string, Map<string, Resource>>();
  private bookable = new Map<string, BookablePractitioner>();
  private appointments = new Map<string, Appointment>();
  /** slot id → id of the live (pending or booked) appointment holding it. */
  private holds = new Map<string, string>();
  private slotCache: { day: string; byPractitioner: Map<string, GeneratedSlot[]> } = { day: '', byPractitioner: new Map() };
  /** Places added to sessions (加号) through `POST /Slot`. */
  private added = new AddedSlots();

  constructor(private readonly options: StoreOptions) {
    this.reset();
  }

  /** Re-seeds from the clock: drops appointments and holds, rebuilds every seeded resource. */
  reset(): void {
    const seed = buildSeed({ now: this.options.now(), blindIndexKey: this.options.blindIndexKey });
    this.resources = new Map();
    for (const resource of seed.resources) {
      let byId = this.resources.get(resource.resourceType);
      if (!byId) this.resources.set(resource.resourceType, (byId = new Map()));
      byId.set(resource.id ?? '', resource);
    }
    this.bookable = new Map(seed.bookable.map((b) => [b.practitionerId, b]));
    this.appointments = new Map();
    this.holds = new Map();
    this.slotCache = { day: '', byPractitioner: new Map() };
    this.added.clear();
  }

  /** Every resource of a type, in a stable order (seed order; slots by doctor then start). */
  list(type: string): Resource[] {
    switch (type) {
      case 'Schedule':
        return [...this.bookable.values()].map((b) => this.schedule(b));
      case 'Slot':
        return [...this.bookable.keys()].flatMap((id) => this.slotsOf(id));
      case 'Appointment':
        return [...this.appointments.keys()].map((id) => this.appointment(id)).filter((a) => a !== undefined);
      default:
        return [...(this.resources.get(type)?.values() ?? [])];
    }
  }

  /** One resource by type and id, or undefined. */
  read(type: string, id: string): Resource | undefined {
    switch (type) {
      case 'Schedule': {
        const practitionerId = id.startsWith('sched-') ? id.slice('sched-'.length) : '';
        const b = this.bookable.get(practitionerId);
        return b ? this.schedule(b) : undefined;
      }
      case 'Slot': {
        const added = this.added.get(id);
        if (added) return this.toSlot(added, this.options.now().getTime());
        const practitionerId = practitionerOfSlotId(id);
        return practitionerId ? this.slotsOf(practitionerId).find((s) => s.id === id) : undefined;
      }
      case 'Appointment':
        return this.appointment(id);
      default:
        return this.resources.get(type)?.get(id);
    }
  }

  /** The slots of one doctor across the booking window, with live statuses. */
  slotsOf(practitionerId: string): Slot[] {
    const b = this.bookable.get(practitionerId);
    if (!b) return [];
    const now = this.options.now();
    const generated = this.generated(b, now);
    const slots = generated.map((g) => this.toSlot(g, now.getTime()));
    const added = this.added.of(practitionerId).filter((a) => generated.length === 0 || a.startMs >= generated[0]!.startMs);
    if (added.length === 0) return slots;
    // Added places sit among the regular ones by start (after them at the same time).
    return [...slots, ...added.map((a) => this.toSlot(a, now.getTime()))].sort((x, y) => Date.parse(x.start ?? '') - Date.parse(y.start ?? ''));
  }

  /**
   * Creates a free, overbooked Slot on a doctor's Schedule (加号; FHIR create). With
   * `ifNoneExist` (`identifier=system|value`) a retried POST returns the slot it already made.
   */
  createSlot(input: unknown, ifNoneExist?: string): { slot: Slot; created: boolean } {
    const now = this.options.now();
    const dayStart = shanghaiDayStart(now);
    const { slot, created } = this.added.create(input, ifNoneExist, {
      now,
      hasSchedule: (practitionerId) => this.bookable.has(practitionerId),
      window: { startMs: dayStart.getTime(), endMs: addDays(dayStart, SLOT_WINDOW_DAYS).getTime() },
    });
    return { slot: this.toSlot(slot, now.getTime()), created };
  }

  /** Counts of what the simulator holds, for /__sim/state. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [type, byId] of this.resources) counts[type] = byId.size;
    counts['Schedule'] = this.bookable.size;
    counts['Appointment'] = this.appointments.size;
    counts['heldSlots'] = this.holds.size;
    return counts;
  }

  /**
   * Creates an appointment holding a free slot (FHIR create). With `ifNoneExist` (an
   * `identifier=system|value` query, as in FHIR conditional create) a retried POST returns the
   * appointment it already made instead of failing on its own hold.
   */
  createAppointment(input: unknown, ifNoneExist?: string): { appointment: Appointment; created: boolean } {
    const body = asAppointmentBody(input);
    if (ifNoneExist !== undefined) {
      const existing = this.findByIdentifierQuery(ifNoneExist);
      if (existing) return { appointment: existing, created: false };
    }
    if (body.status !== 'pending' && body.status !== 'booked') {
      throw new FhirError(400, 'value', `Appointment.status must be pending (a held slot) or booked, not ${String(body.status)}.`);
    }
    const slotRef = body.slot?.[0]?.reference;
    const slotId = slotRef?.startsWith('Slot/') ? slotRef.slice('Slot/'.length) : undefined;
    if (!slotId) throw new FhirError(400, 'required', 'Appointment.slot[0].reference must be Slot/{id}.');
    const participants = body.participant ?? [];
    const patientRef = participants.map((p) => p.actor?.reference).find((r) => r?.startsWith('Patient/'));
    if (!patientRef || patientRef.length <= 'Patient/'.length) {
      throw new FhirError(400, 'required', 'Appointment.participant must include an actor Patient/{id}.');
    }
    const practitionerRef = participants.map((p) => p.actor?.reference).find((r) => r?.startsWith('Practitioner/'));
    const slot = this.read('Slot', slotId) as Slot | undefined;
    if (!slot) {
      throw new FhirError(422, 'business-rule', `Slot/${slotId} does not exist or is outside the ${SLOT_WINDOW_DAYS}-day booking window.`);
    }
    const ownerId = this.added.get(slotId)?.practitionerId ?? practitionerOfSlotId(slotId) ?? '';
    if (practitionerRef && practitionerRef !== `Practitioner/${ownerId}`) {
      throw new FhirError(422, 'business-rule', `Slot/${slotId} belongs to Practitioner/${ownerId}, not ${practitionerRef}.`);
    }
    // Check and hold with no await in between: this is what makes the hold atomic.
    if (slot.status !== 'free') {
      throw new FhirError(409, 'conflict', `Slot/${slotId} is not free (${slot.status}); choose another slot.`);
    }
    const id = `appt-${randomUUID()}`;
    const nowIso = this.options.now().toISOString();
    const participant: AppointmentParticipant[] = [
      { actor: { reference: patientRef }, required: 'required', status: 'accepted' },
      { actor: { reference: `Practitioner/${ownerId}` }, required: 'required', status: 'accepted' },
    ];
    const appointment: Appointment = {
      resourceType: 'Appointment',
      id,
      meta: { versionId: '1', lastUpdated: nowIso },
      ...(body.identifier ? { identifier: body.identifier } : {}),
      status: body.status,
      start: slot.start,
      end: slot.end,
      minutesDuration: SLOT_MINUTES,
      slot: [{ reference: `Slot/${slotId}` }],
      created: formatShanghai(this.options.now()),
      participant,
    };
    this.appointments.set(id, appointment);
    this.holds.set(slotId, id);
    return { appointment, created: true };
  }

  /**
   * Updates an appointment's status (FHIR update): pending → booked confirms, pending|booked →
   * cancelled releases the slot. Repeating the current status is a no-op, so retries are safe.
   */
  updateAppointment(id: string, input: unknown): Appointment {
    const current = this.appointment(id);
    if (!current) throw new FhirError(404, 'not-found', `Appointment/${id} does not exist.`);
    const body = asAppointmentBody(input);
    if (body.id !== id) throw new FhirError(400, 'invalid', `The body's id (${String(body.id)}) must equal the URL id (${id}).`);
    const next = body.status;
    if (next === current.status) return current;
    const allowed: Record<string, readonly string[]> = { pending: ['booked', 'cancelled'], booked: ['cancelled'] };
    if (next !== 'booked' && next !== 'cancelled') {
      throw new FhirError(400, 'value', `Appointment.status can only be changed to booked or cancelled, not ${String(next)}.`);
    }
    if (!allowed[current.status]?.includes(next)) {
      throw new FhirError(409, 'conflict', `Appointment/${id} is ${current.status}; it cannot become ${next}.`);
    }
    const updated: Appointment = {
      ...current,
      meta: { versionId: String(Number(current.meta?.versionId ?? '1') + 1), lastUpdated: this.options.now().toISOString() },
      status: next,
      ...(next === 'cancelled' && body.cancelationReason ? { cancelationReason: body.cancelationReason } : {}),
    };
    this.appointments.set(id, updated);
    if (next === 'cancelled') {
      const slotId = current.slot?.[0]?.reference?.slice('Slot/'.length);
      if (slotId && this.holds.get(slotId) === id) this.holds.delete(slotId);
    }
    return updated;
  }

  /**
   * Records a visit's outcome, as the clinic would: the patient was seen (`fulfilled`) or did not
   * come (`noshow`). Only on a booked (arrived, checked-in) appointment whose slot has begun;
   * repeating the current outcome is a no-op.
   */
  recordOutcome(id: string, outcome: VisitOutcome): Appointment {
    const current = this.appointment(id);
    if (!current) throw new FhirError(404, 'not-found', `Appointment/${id} does not exist.`);
    if (current.status === outcome) return current;
    if (!AWAITING_OUTCOME.has(current.status)) {
      throw new FhirError(409, 'conflict', `Appointment/${id} is ${current.status}; only a booked visit gets an outcome.`);
    }
    if (current.start !== undefined && new Date(current.start).getTime() > this.options.now().getTime()) {
      throw new FhirError(409, 'business-rule', `Appointment/${id} starts at ${current.start}; its visit has not begun.`);
    }
    return this.setStatus(current, outcome);
  }

  /**
   * An appointment as of now: a booked one whose slot ended more than `autoFulfilAfterHours`
   * ago becomes `fulfilled` (the demo hospital sees everyone who was not marked `noshow`).
   */
  private appointment(id: string): Appointment | undefined {
    const current = this.appointments.get(id);
    if (!current || !AWAITING_OUTCOME.has(current.status) || current.end === undefined) return current;
    const afterMs = (this.options.autoFulfilAfterHours ?? DEFAULT_AUTO_FULFIL_HOURS) * 3_600_000;
    if (new Date(current.end).getTime() + afterMs > this.options.now().getTime()) return current;
    return this.setStatus(current, 'fulfilled');
  }

  private setStatus(current: Appointment, status: Appointment['status']): Appointment {
    const updated: Appointment = {
      ...current,
      meta: { versionId: String(Number(current.meta?.versionId ?? '1') + 1), lastUpdated: this.options.now().toISOString() },
      status,
    };
    this.appointments.set(current.id ?? '', updated);
    return updated;
  }

  private findByIdentifierQuery(query: string): Appointment | undefined {
    const m = /^identifier=([^|]*)\|(.+)$/.exec(query.trim());
    if (!m) throw new FhirError(400, 'invalid', 'If-None-Exist must be identifier=system|value.');
    const [, system, value] = m;
    const wanted = { system: decodeURIComponent(system ?? ''), value: decodeURIComponent(value ?? '') };
    const found = [...this.appointments.values()].find((a) =>
      (a.identifier ?? []).some((i: Identifier) => i.value === wanted.value && (wanted.system === '' || i.system === wanted.system)),
    );
    return found && this.appointment(found.id ?? '');
  }

  private generated(b: BookablePractitioner, now: Date): GeneratedSlot[] {
    const day = slotDayKey(now);
    if (this.slotCache.day !== day) this.slotCache = { day, byPractitioner: new Map() };
    let slots = this.slotCache.byPractitioner.get(b.practitionerId);
    if (!slots) {
      slots = generateSlots({ practitionerId: b.practitionerId, level: b.level, expert: b.expert }, now);
      this.slotCache.byPractitioner.set(b.practitionerId, slots);
    }
    return slots;
  }

  private toSlot(g: GeneratedSlot | AddedSlot, nowMs: number): Slot {
    const status = g.startMs <= nowMs ? 'busy-unavailable' : this.holds.has(g.id) ? 'busy' : g.baseStatus;
    return {
      resourceType: 'Slot',
      id: g.id,
      ...('identifier' in g && g.identifier.length > 0 ? { identifier: g.identifier } : {}),
      schedule: { reference: `Schedule/${g.scheduleId}` },
      status,
      start: g.start,
      end: g.end,
      ...('identifier' in g ? { overbooked: true, comment: '加号' } : {}),
    };
  }

  private schedule(b: BookablePractitioner): Schedule {
    const dayStart = shanghaiDayStart(this.options.now());
    return {
      resourceType: 'Schedule',
      id: scheduleIdFor(b.practitionerId),
      active: true,
      actor: [
        { reference: `Practitioner/${b.practitionerId}` },
        { reference: `PractitionerRole/${b.roleId}` },
        { reference: `HealthcareService/${b.departmentId}` },
      ],
      planningHorizon: { start: formatShanghai(dayStart), end: formatShanghai(addDays(dayStart, SLOT_WINDOW_DAYS)) },
      comment:
        b.level === 'tertiary'
          ? '周一至周五 08:00–12:00、13:30–17:00，周六 08:00–12:00；每15分钟一个号'
          : '周一至周五 08:00–12:00、13:30–17:00；每15分钟一个号',
    };
  }
}

function asAppointmentBody(input: unknown): Partial<Appointment> {
  if (typeof input !== 'object' || input === null || (input as { resourceType?: unknown }).resourceType !== 'Appointment') {
    throw new FhirError(400, 'structure', 'The body must be a FHIR Appointment resource (resourceType "Appointment").');
  }
  return input as Partial<Appointment>;
}
