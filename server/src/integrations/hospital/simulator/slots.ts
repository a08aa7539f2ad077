import type { InstitutionLevel } from '../port.js';
import { addDays, addMinutes, formatShanghai, shanghaiDateKey, shanghaiDayStart, shanghaiWeekday } from './shanghai-time.js';

/**
 * Slot generation: pure, driven by the clock, so the same clock day always yields the same slots
 * (same ids, same pre-booked ones) and tests can pin a date.
 */

/** Length of a bookable slot (the seeds' 15-minute time-slot booking). */
export const SLOT_MINUTES = 15;
/** How far ahead slots exist: today and the next 13 days. */
export const SLOT_WINDOW_DAYS = 14;

/** A half-day clinic session in Shanghai wall-clock minutes since midnight. */
export interface Session {
  period: 'morning' | 'afternoon';
  startMinute: number;
  endMinute: number;
}

/** Morning clinic 08:00–12:00 (16 slots). */
export const MORNING: Session = { period: 'morning', startMinute: 8 * 60, endMinute: 12 * 60 };
/** Afternoon clinic 13:30–17:00 (14 slots). */
export const AFTERNOON: Session = { period: 'afternoon', startMinute: 13 * 60 + 30, endMinute: 17 * 60 };

/**
 * The sessions an institution runs on a weekday (0 = Sunday): every institution runs weekday
 * mornings and afternoons; the tertiary hospital also opens on Saturday mornings.
 */
export function sessionsFor(level: InstitutionLevel, weekday: number): Session[] {
  if (weekday >= 1 && weekday <= 5) return [MORNING, AFTERNOON];
  if (weekday === 6 && level === 'tertiary') return [MORNING];
  return [];
}

/** One generated slot before appointments are applied. */
export interface GeneratedSlot {
  id: string;
  practitionerId: string;
  scheduleId: string;
  startMs: number;
  endMs: number;
  start: string;
  end: string;
  /** Free, or pre-booked by other (invented) patients. Started slots and holds are applied on read. */
  baseStatus: 'free' | 'busy';
}

/** What slot generation needs to know about a bookable doctor. */
export interface SlotOwner {
  practitionerId: string;
  level: InstitutionLevel;
  /** Experts' slots go faster. */
  expert: boolean;
}

/** The schedule id of a practitioner (one schedule per bookable doctor). */
export function scheduleIdFor(practitionerId: string): string {
  return `sched-${practitionerId}`;
}

/** Slot id derived from the practitioner and the local start, e.g. `slot-pract-core-cardio-1-20261125-0800`. */
export function slotIdFor(practitionerId: string, start: Date): string {
  const local = formatShanghai(start); // 2026-11-25T08:00:00+08:00
  return `slot-${practitionerId}-${local.slice(0, 10).replaceAll('-', '')}-${local.slice(11, 16).replace(':', '')}`;
}

/** Parses a slot id back into its practitioner id, or null when it is not a slot id. */
export function practitionerOfSlotId(slotId: string): string | null {
  const m = /^slot-(.+)-\d{8}-\d{4}$/.exec(slotId);
  return m?.[1] ?? null;
}

/**
 * Share of slots already taken by other patients, by how far ahead the day is: the next days
 * are mostly booked, two weeks out mostly free; experts' slots go faster (REFERENCE §5.3).
 */
export function busyShare(dayIndex: number, expert: boolean): number {
  const base = dayIndex === 0 ? 0.7 : dayIndex === 1 ? 0.55 : dayIndex === 2 ? 0.45 : dayIndex < 7 ? 0.3 : 0.15;
  return Math.min(0.95, base + (expert ? 0.15 : 0));
}

/**
 * Slots of one doctor for the window starting on the Shanghai day of `now` (today's earlier slots
 * included; the store reports those as busy-unavailable). Depends only on the day of `now`.
 */
export function generateSlots(owner: SlotOwner, now: Date): GeneratedSlot[] {
  const dayStart = shanghaiDayStart(now);
  const slots: GeneratedSlot[] = [];
  for (let dayIndex = 0; dayIndex < SLOT_WINDOW_DAYS; dayIndex++) {
    const day = addDays(dayStart, dayIndex);
    for (const session of sessionsFor(owner.level, shanghaiWeekday(day))) {
      for (let minute = session.startMinute; minute < session.endMinute; minute += SLOT_MINUTES) {
        const start = addMinutes(day, minute);
        const end = addMinutes(start, SLOT_MINUTES);
        const id = slotIdFor(owner.practitionerId, start);
        const taken = hashFraction(id) < busyShare(dayIndex, owner.expert);
        slots.push({
          id,
          practitionerId: owner.practitionerId,
          scheduleId: scheduleIdFor(owner.practitionerId),
          startMs: start.getTime(),
          endMs: end.getTime(),
          start: formatShanghai(start),
          end: formatShanghai(end),
          baseStatus: taken ? 'busy' : 'free',
        });
      }
    }
  }
  return slots;
}

/** The cache key for slots: they change when the Shanghai day changes (and as the day passes). */
export function slotDayKey(now: Date): string {
  return shanghaiDateKey(now);
}

/** A stable pseudo-random fraction in [0, 1) from a string (FNV-1a), so pre-booked slots are reproducible. */
export function hashFraction(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}
