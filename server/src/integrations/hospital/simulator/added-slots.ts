import { randomUUID } from 'node:crypto';
import type { Identifier, Slot } from '@medplum/fhirtypes';
import { FhirError } from './operation-outcome.js';
import { formatShanghai } from './shanghai-time.js';
import { scheduleIdFor, type GeneratedSlot } from './slots.js';

/**
 * Places a scheduler adds to a doctor's session (加号): FHIR Slots created on the doctor's
 * Schedule (`POST /Slot`, `overbooked: true`), kept beside the generated ones. They share the
 * session's 15-minute times with the regular slots and are held, confirmed and cancelled like
 * any other. A create with `If-None-Exist: identifier=system|value` returns the slot it already
 * made, so a retried POST never adds a place twice.
 */

/** An added slot: a generated slot's fields plus what the client sent to identify it. */
export interface AddedSlot extends GeneratedSlot {
  identifier: Identifier[];
  createdAt: string;
}

/** Prefix of the ids the simulator gives added slots (never a generated slot id). */
export const ADDED_SLOT_PREFIX = 'slot-add-';

/** What creating a slot needs from the store. */
export interface AddedSlotContext {
  now: Date;
  /** Whether a doctor with this id has a Schedule in the simulator. */
  hasSchedule(practitionerId: string): boolean;
  /** The first instant (inclusive) and the end (exclusive) of the booking window. */
  window: { startMs: number; endMs: number };
}

/** The added slots, by id. */
export class AddedSlots {
  private byId = new Map<string, AddedSlot>();

  /** Forgets every added slot (simulator reset). */
  clear(): void {
    this.byId.clear();
  }

  get(id: string): AddedSlot | undefined {
    return this.byId.get(id);
  }

  /** Added slots of one doctor, oldest first. */
  of(practitionerId: string): AddedSlot[] {
    return [...this.byId.values()].filter((s) => s.practitionerId === practitionerId);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * FHIR create of a Slot: the body must be a free Slot on an existing Schedule, within the
   * booking window and not yet begun. With `ifNoneExist` the slot already created under that
   * identifier is returned (`created: false`).
   */
  create(input: unknown, ifNoneExist: string | undefined, ctx: AddedSlotContext): { slot: AddedSlot; created: boolean } {
    if (typeof input !== 'object' || input === null || (input as { resourceType?: unknown }).resourceType !== 'Slot') {
      throw new FhirError(400, 'structure', 'The body must be a FHIR Slot resource (resourceType "Slot").');
    }
    const body = input as Partial<Slot>;
    if (ifNoneExist !== undefined) {
      const existing = findByIdentifierQuery(this.byId.values(), ifNoneExist);
      if (existing) return { slot: existing, created: false };
    }
    const scheduleRef = body.schedule?.reference;
    const scheduleId = scheduleRef?.startsWith('Schedule/') ? scheduleRef.slice('Schedule/'.length) : undefined;
    const practitionerId = scheduleId?.startsWith('sched-') ? scheduleId.slice('sched-'.length) : undefined;
    if (!scheduleId || !practitionerId) throw new FhirError(400, 'required', 'Slot.schedule.reference must be Schedule/{id}.');
    if (!ctx.hasSchedule(practitionerId) || scheduleIdFor(practitionerId) !== scheduleId) {
      throw new FhirError(422, 'business-rule', `Schedule/${scheduleId} does not exist.`);
    }
    if (body.status !== 'free') throw new FhirError(400, 'value', `Slot.status must be free for a new slot, not ${String(body.status)}.`);
    const startMs = instantMs(body.start, 'start');
    const endMs = instantMs(body.end, 'end');
    if (endMs <= startMs) throw new FhirError(400, 'value', 'Slot.end must be after Slot.start.');
    if (startMs <= ctx.now.getTime()) throw new FhirError(422, 'business-rule', `Slot.start ${String(body.start)} has already begun.`);
    if (startMs < ctx.window.startMs || startMs >= ctx.window.endMs) {
      throw new FhirError(422, 'business-rule', `Slot.start ${String(body.start)} is outside the Schedule's planning horizon.`);
    }
    const start = new Date(startMs);
    const end = new Date(endMs);
    const slot: AddedSlot = {
      id: `${ADDED_SLOT_PREFIX}${randomUUID()}`,
      practitionerId,
      scheduleId,
      startMs,
      endMs,
      start: formatShanghai(start),
      end: formatShanghai(end),
      baseStatus: 'free',
      identifier: body.identifier ?? [],
      createdAt: ctx.now.toISOString(),
    };
    this.byId.set(slot.id, slot);
    return { slot, created: true };
  }
}

function instantMs(value: unknown, field: string): number {
  const ms = typeof value === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new FhirError(400, 'value', `Slot.${field} must be an instant with a time zone.`);
  return ms;
}

/**
 * The resource among `items` whose identifier matches an `identifier=system|value` query (FHIR
 * conditional create), or undefined.
 */
export function findByIdentifierQuery<T extends { identifier?: Identifier[] }>(items: Iterable<T>, query: string): T | undefined {
  const m = /^identifier=([^|]*)\|(.+)$/.exec(query.trim());
  if (!m) throw new FhirError(400, 'invalid', 'If-None-Exist must be identifier=system|value.');
  const [, system, value] = m;
  const wanted = { system: decodeURIComponent(system ?? ''), value: decodeURIComponent(value ?? '') };
  for (const item of items) {
    if ((item.identifier ?? []).some((i) => i.value === wanted.value && (wanted.system === '' || i.system === wanted.system))) return item;
  }
  return undefined;
}
