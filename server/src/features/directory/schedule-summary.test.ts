import { describe, expect, it } from 'vitest';
import type { HospitalSlot } from '../../integrations/hospital/port.js';
import { scheduleWindow, summariseSchedule } from './schedule-summary.js';

const slot = (start: string, status: HospitalSlot['status'] = 'free'): HospitalSlot => ({
  id: `slot-${start}`,
  practitionerId: 'dr-1',
  start,
  end: start,
  status,
});

describe('summariseSchedule (Asia/Shanghai)', () => {
  it.each([
    ['UTC evening is the next local morning (month boundary)', '2026-01-31T16:00:00Z', '2026-02-01', 'morning'],
    ['UTC evening on New Year’s Eve is 2026-01-01 morning', '2025-12-31T23:30:00Z', '2026-01-01', 'morning'],
    ['11:45 local is still morning', '2026-03-31T03:45:00Z', '2026-03-31', 'morning'],
    ['12:00 local is afternoon', '2026-03-31T04:00:00Z', '2026-03-31', 'afternoon'],
    ['offset given as +08:00', '2026-02-28T14:00:00+08:00', '2026-02-28', 'afternoon'],
    ['leap-day evening UTC is 1 March local', '2028-02-29T17:00:00Z', '2028-03-01', 'morning'],
  ])('%s', (_name, start, date, period) => {
    expect(summariseSchedule([slot(start)])).toEqual([{ date, period, available: 1, total: 1 }]);
  });

  it('counts free slots as available and every slot in the total, sorted by date then morning first', () => {
    const slots = [
      slot('2026-02-01T06:00:00Z', 'busy'), // 02-01 14:00 afternoon
      slot('2026-02-01T06:15:00Z'), // 02-01 14:15 afternoon
      slot('2026-01-31T16:00:00Z'), // 02-01 00:00 morning
      slot('2026-02-01T00:00:00Z', 'busy-unavailable'), // 02-01 08:00 morning
      slot('2026-01-31T01:00:00Z'), // 01-31 09:00 morning
    ];
    expect(summariseSchedule(slots)).toEqual([
      { date: '2026-01-31', period: 'morning', available: 1, total: 1 },
      { date: '2026-02-01', period: 'morning', available: 1, total: 2 },
      { date: '2026-02-01', period: 'afternoon', available: 1, total: 2 },
    ]);
  });

  it('returns no sessions for no slots', () => {
    expect(summariseSchedule([])).toEqual([]);
  });
});

describe('scheduleWindow', () => {
  it('runs from now to local midnight after the 14th local day', () => {
    // 2026-01-25 23:30 local; window ends 2026-02-08 00:00 local = 2026-02-07T16:00Z.
    const now = new Date('2026-01-25T15:30:00Z');
    expect(scheduleWindow(now, 'Asia/Shanghai')).toEqual({ from: now, to: new Date('2026-02-07T16:00:00Z') });
  });

  it('uses the local date, not the UTC date', () => {
    // 2026-01-31T17:00Z is already 2026-02-01 01:00 in Shanghai.
    expect(scheduleWindow(new Date('2026-01-31T17:00:00Z'), 'Asia/Shanghai').to).toEqual(new Date('2026-02-14T16:00:00Z'));
  });
});
