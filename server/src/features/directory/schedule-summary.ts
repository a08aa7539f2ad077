import type { ScheduleDay } from '@careloop/shared';
import type { HospitalSlot } from '../../integrations/hospital/port.js';
import { localDateAndHour, zoneOffsetMs } from '../../time-zone.js';

/** The time zone the alliance lives in; dates and half-days are local to it. */
export const allianceTimeZone = 'Asia/Shanghai';

/** How many local days of schedule the doctor profile shows (today included). */
export const scheduleHorizonDays = 14;

/**
 * The [from, to) window of slots a profile shows: from now until local midnight ending the
 * 14th local day (today counts as day one), so the list always covers whole local days.
 */
export function scheduleWindow(now: Date, timeZone: string, days = scheduleHorizonDays): { from: Date; to: Date } {
  const { date } = localDateAndHour(now, timeZone);
  // Find the instant of local midnight `days` days after today's date by stepping in UTC and
  // correcting for the zone's offset on that day (exact even where DST exists).
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const naiveMidnight = Date.UTC(year, month - 1, day + days);
  const offsetMs = zoneOffsetMs(timeZone, naiveMidnight);
  return { from: now, to: new Date(naiveMidnight - offsetMs) };
}

/**
 * Groups a doctor's slots into half-day sessions per local date: a slot starting before local
 * noon is the morning session, from noon on the afternoon. `total` counts every slot of the
 * session, `available` the free ones. Sorted by date, morning first. Pure: the time zone is
 * passed in.
 */
export function summariseSchedule(slots: readonly HospitalSlot[], timeZone: string = allianceTimeZone): ScheduleDay[] {
  const sessions = new Map<string, ScheduleDay>();
  for (const slot of slots) {
    const start = new Date(slot.start);
    if (Number.isNaN(start.getTime())) continue;
    const { date, hour } = localDateAndHour(start, timeZone);
    const period = hour < 12 ? 'morning' : 'afternoon';
    const key = `${date}|${period === 'morning' ? 0 : 1}`;
    const session = sessions.get(key) ?? { date, period, available: 0, total: 0 };
    session.total += 1;
    if (slot.status === 'free') session.available += 1;
    sessions.set(key, session);
  }
  return [...sessions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, session]) => session);
}
