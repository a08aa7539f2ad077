/**
 * Schedule, Slot and Appointment ↔ HospitalSlot and Registration. A registration is an
 * Appointment on one Slot with the patient and the doctor as participants; `pending` is our
 * hold ("locked"), `booked` a paid registration.
 */
import { z } from 'zod';
import type { HospitalSlot, Registration } from '../../port.js';
import {
  MappingError,
  ReferenceSchema,
  ResourceBase,
  parseResource,
  referenceId,
  requiredReferenceId,
} from './datatypes.js';

/** ISO-8601 instant with a zone (`Z` or `±hh:mm`), as FHIR `instant` requires. */
const Instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);

const ScheduleSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Schedule'),
  active: z.boolean().optional(),
  actor: z.array(ReferenceSchema).optional(),
});

/** A Schedule's id and the Practitioner it belongs to (if any); inactive ones are null. */
export function toSchedule(resource: unknown): { id: string; practitionerId?: string } | null {
  const schedule = parseResource(ScheduleSchema, resource, 'Schedule');
  if (schedule.active === false) return null;
  const practitionerId = schedule.actor
    ?.map((a) => referenceId(a, 'Practitioner'))
    .find((id) => id !== undefined);
  return practitionerId === undefined ? { id: schedule.id } : { id: schedule.id, practitionerId };
}

const SlotSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Slot'),
  schedule: ReferenceSchema,
  status: z.enum(['free', 'busy', 'busy-unavailable', 'busy-tentative', 'entered-in-error']),
  start: Instant,
  end: Instant,
  overbooked: z.boolean().optional(),
});

/** A parsed Slot, keeping the schedule it hangs off (for lockSlot). */
export interface SlotInput {
  id: string;
  scheduleId: string;
  status: z.infer<typeof SlotSchema>['status'];
  start: string;
  end: string;
  overbooked?: boolean;
}

/** Parses a Slot (throws MappingError when it is not one). */
export function parseSlot(resource: unknown): SlotInput {
  const slot = parseResource(SlotSchema, resource, 'Slot');
  return {
    id: slot.id,
    scheduleId: requiredReferenceId(slot.schedule, 'Schedule', `Slot/${slot.id}`),
    status: slot.status,
    start: slot.start,
    end: slot.end,
    ...(slot.overbooked === true ? { overbooked: true } : {}),
  };
}

/**
 * The domain slot, or null for one entered in error. A `busy-tentative` slot is held by
 * someone's pending appointment: to a patient that is simply busy.
 */
export function toSlot(slot: SlotInput, practitionerId: string): HospitalSlot | null {
  if (slot.status === 'entered-in-error') return null;
  return {
    id: slot.id,
    practitionerId,
    start: slot.start,
    end: slot.end,
    status: slot.status === 'busy-tentative' ? 'busy' : slot.status,
    ...(slot.overbooked === true ? { overbooked: true } : {}),
  };
}

const AppointmentSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('Appointment'),
  status: z.enum([
    'proposed',
    'pending',
    'booked',
    'arrived',
    'fulfilled',
    'cancelled',
    'noshow',
    'entered-in-error',
    'checked-in',
    'waitlist',
  ]),
  slot: z.array(ReferenceSchema).optional(),
  participant: z.array(z.looseObject({ actor: ReferenceSchema.optional() })).optional(),
  start: Instant,
  end: Instant,
});

/**
 * FHIR Appointment.status → a registration's state for us. A patient who arrived or checked in
 * is still `booked` until the hospital records the outcome: `fulfilled` (seen) or `noshow`
 * (paid and did not come — a used registration, not a refund case).
 */
const REGISTRATION_STATUS: Readonly<Record<z.infer<typeof AppointmentSchema>['status'], Registration['status']>> = {
  proposed: 'locked',
  pending: 'locked',
  waitlist: 'locked',
  booked: 'booked',
  arrived: 'booked',
  'checked-in': 'booked',
  fulfilled: 'completed',
  noshow: 'no_show',
  cancelled: 'cancelled',
  'entered-in-error': 'cancelled',
};

/** Appointment → Registration. */
export function toRegistration(resource: unknown): Registration {
  const appointment = parseResource(AppointmentSchema, resource, 'Appointment');
  const what = `Appointment/${appointment.id}`;
  const actorId = (type: string): string => {
    const id = appointment.participant
      ?.map((p) => referenceId(p.actor, type))
      .find((found) => found !== undefined);
    if (id === undefined) throw new MappingError(`${what}: missing ${type} participant`);
    return id;
  };
  const slotId = appointment.slot?.map((s) => referenceId(s, 'Slot')).find((id) => id !== undefined);
  if (slotId === undefined) throw new MappingError(`${what}: missing slot`);
  return {
    id: appointment.id,
    slotId,
    practitionerId: actorId('Practitioner'),
    patientId: actorId('Patient'),
    status: REGISTRATION_STATUS[appointment.status],
    start: appointment.start,
    end: appointment.end,
  };
}


/**
 * The body of `POST Appointment` that holds `slot` for a patient with the slot's doctor; with an
 * `identifier` (our hold id) a repeated lock can find it.
 */
export function pendingAppointment(
  slot: SlotInput,
  patientId: string,
  practitionerId: string,
  identifier?: { system: string; value: string },
): object {
  return {
    resourceType: 'Appointment',
    ...(identifier ? { identifier: [identifier] } : {}),
    status: 'pending',
    slot: [{ reference: `Slot/${slot.id}` }],
    participant: [
      { actor: { reference: `Patient/${patientId}` }, required: 'required', status: 'accepted' },
      { actor: { reference: `Practitioner/${practitionerId}` }, required: 'required', status: 'accepted' },
    ],
    start: slot.start,
    end: slot.end,
  };
}

/**
 * The body of `POST Slot` that adds a place (加号) to a doctor's schedule at a regular slot's
 * time: free, overbooked, identified by our request key so a conditional create finds it again.
 */
export function addedSlot(scheduleId: string, time: { start: string; end: string }, identifier: { system: string; value: string }): object {
  return {
    resourceType: 'Slot',
    identifier: [identifier],
    schedule: { reference: `Schedule/${scheduleId}` },
    status: 'free',
    start: time.start,
    end: time.end,
    overbooked: true,
    comment: '加号',
  };
}
