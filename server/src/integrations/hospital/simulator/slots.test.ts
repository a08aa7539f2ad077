import { describe, expect, it } from 'vitest';
import { parseFhirDateRange } from './shanghai-time.js';
import { generateSlots, practitionerOfSlotId, slotIdFor } from './slots.js';
import { FIXED_NOW } from './test-support.js';

describe('slot generation', () => {
  const core = { practitionerId: 'pract-core-cardio-3', level: 'tertiary' as const, expert: false };
  const county = { practitionerId: 'pract-county-internal-1', level: 'secondary' as const, expert: false };

  it('gives a tertiary doctor 10 weekdays of 30 slots plus two Saturday mornings of 16 over 14 days', () => {
    const slots = generateSlots(core, FIXED_NOW);
    expect(slots).toHaveLength(10 * 30 + 2 * 16);
    expect(slots[0]?.start).toBe('2026-11-25T08:00:00+08:00');
    expect(slots[0]?.end).toBe('2026-11-25T08:15:00+08:00');
    expect(slots.at(-1)?.start).toBe('2026-12-08T16:45:00+08:00');
    expect(slots.at(-1)?.end).toBe('2026-12-08T17:00:00+08:00');
  });

  it('opens the tertiary hospital on Saturday mornings only, and nobody on Sundays', () => {
    const slots = generateSlots(core, FIXED_NOW);
    const saturday = slots.filter((s) => s.start.startsWith('2026-11-28'));
    expect(saturday).toHaveLength(16);
    expect(saturday[0]?.start).toBe('2026-11-28T08:00:00+08:00');
    expect(saturday.at(-1)?.start).toBe('2026-11-28T11:45:00+08:00');
    expect(slots.filter((s) => s.start.startsWith('2026-11-29'))).toHaveLength(0);
  });

  it('gives the county hospital weekdays only', () => {
    const slots = generateSlots(county, FIXED_NOW);
    expect(slots).toHaveLength(10 * 30);
    expect(slots.filter((s) => s.start.startsWith('2026-11-28'))).toHaveLength(0);
  });

  it('runs mornings 08:00–12:00 and afternoons 13:30–17:00 in 15-minute slots', () => {
    const day = generateSlots(core, FIXED_NOW).filter((s) => s.start.startsWith('2026-11-26'));
    expect(day.map((s) => s.start.slice(11, 16))).toEqual([
      '08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45',
      '10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30', '11:45',
      '13:30', '13:45', '14:00', '14:15', '14:30', '14:45', '15:00', '15:15',
      '15:30', '15:45', '16:00', '16:15', '16:30', '16:45',
    ]);
  });

  it('keeps ids and pre-booked slots the same all day, and moves the window the next day', () => {
    const morning = generateSlots(core, FIXED_NOW);
    const evening = generateSlots(core, new Date('2026-11-25T23:59:00+08:00'));
    expect(evening).toEqual(morning);
    const tomorrow = generateSlots(core, new Date('2026-11-26T00:01:00+08:00'));
    expect(tomorrow[0]?.id).toBe('slot-pract-core-cardio-3-20261126-0800');
    // Others keep booking as the day nears: a slot taken yesterday is still taken today.
    const today = new Map(tomorrow.map((s) => [s.id, s.baseStatus]));
    const stillTaken = morning.filter((s) => s.baseStatus === 'busy' && today.has(s.id)).every((s) => today.get(s.id) === 'busy');
    expect(stillTaken).toBe(true);
  });

  it('books up the next days more than the days two weeks out', () => {
    const slots = generateSlots(core, FIXED_NOW);
    const share = (day: string) => {
      const of = slots.filter((s) => s.start.startsWith(day));
      return of.filter((s) => s.baseStatus === 'busy').length / of.length;
    };
    expect(share('2026-11-26')).toBeGreaterThan(share('2026-12-08'));
    expect(slots.some((s) => s.baseStatus === 'free')).toBe(true);
  });

  it('derives slot ids from the doctor and the local start, and back', () => {
    const id = slotIdFor('pract-core-cardio-1', new Date('2026-11-25T00:00:00Z'));
    expect(id).toBe('slot-pract-core-cardio-1-20261125-0800');
    expect(practitionerOfSlotId(id)).toBe('pract-core-cardio-1');
    expect(practitionerOfSlotId('sched-x')).toBeNull();
  });
});

describe('FHIR date search values', () => {
  it.each([
    ['2026-11-25T08:00:00+08:00', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:01.000Z'],
    ['2026-11-25T00:00:00Z', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:01.000Z'],
    ['2026-11-25', '2026-11-24T16:00:00.000Z', '2026-11-25T16:00:00.000Z'],
    ['2026-11', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
    ['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
  ])('%s denotes [%s, %s)', (value, start, end) => {
    const range = parseFhirDateRange(value);
    expect(range && new Date(range.start).toISOString()).toBe(start);
    expect(range && new Date(range.end).toISOString()).toBe(end);
  });

  it('rejects what is not a date', () => {
    expect(parseFhirDateRange('tomorrow')).toBeNull();
    expect(parseFhirDateRange('2026-13-01')).toBeNull();
  });
});
