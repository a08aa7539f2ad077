/**
 * Asia/Shanghai wall-clock arithmetic for the simulator. China has one time zone at UTC+8 and no
 * daylight saving, so a fixed offset is exact; instants leave the simulator with `+08:00`, the way
 * a Chinese HIS writes them.
 */

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Shanghai local date of an instant, e.g. `2026-11-25`. */
export function shanghaiDateKey(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of local midnight that starts the Shanghai day containing `instant`. */
export function shanghaiDayStart(instant: Date): Date {
  const local = instant.getTime() + OFFSET_MS;
  return new Date(local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - OFFSET_MS);
}

/** Shanghai day of the week of an instant: 0 = Sunday … 6 = Saturday. */
export function shanghaiWeekday(instant: Date): number {
  return new Date(instant.getTime() + OFFSET_MS).getUTCDay();
}

/** Adds whole days (exact: no DST in China). */
export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}

/** Adds minutes. */
export function addMinutes(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * 60_000);
}

/** Formats an instant as Shanghai local time with offset: `2026-11-25T08:00:00+08:00`. */
export function formatShanghai(instant: Date): string {
  return `${new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** Formats a Shanghai local date (no time): `2026-11-25`. */
export function formatShanghaiDate(instant: Date): string {
  return shanghaiDateKey(instant);
}

/**
 * A FHIR date/dateTime search value as the half-open interval of instants it denotes, in
 * milliseconds. Partial dates and times without an offset are read as Shanghai local time (the
 * server's time zone, as FHIR search allows). Returns null when the value is not a FHIR date.
 */
export function parseFhirDateRange(value: string): { start: number; end: number } | null {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const offsetMs = zone === undefined ? OFFSET_MS : zone === 'Z' ? 0 : zoneToMs(zone);
  const wall = (yy: number, mm: number, dd: number, hh = 0, mn = 0, ss = 0, ms = 0): number =>
    Date.UTC(yy, mm - 1, dd, hh, mn, ss, ms) - offsetMs;
  if (mo === undefined) return { start: wall(year, 1, 1), end: wall(year + 1, 1, 1) };
  if (d === undefined) return { start: wall(year, month, 1), end: wall(year, month + 1, 1) };
  if (h === undefined) {
    const start = wall(year, month, day);
    return { start, end: start + DAY_MS };
  }
  const hour = Number(h);
  const minute = Number(mi);
  if (hour > 23 || minute > 59) return null;
  if (s === undefined) {
    const start = wall(year, month, day, hour, minute);
    return { start, end: start + 60_000 };
  }
  const second = Number(s);
  if (second > 59) return null;
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const start = wall(year, month, day, hour, minute, second, millis);
  return { start, end: start + (frac === undefined ? 1000 : 1) };
}

function zoneToMs(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hh, mm] = zone.slice(1).split(':').map(Number);
  return sign * ((hh ?? 0) * 60 + (mm ?? 0)) * 60_000;
}
