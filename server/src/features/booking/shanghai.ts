import { fromLocal, zoneOffsetMs } from '../../time-zone.js';

/**
 * Booking's calendar arithmetic in the alliance's zone (Asia/Shanghai): stored instants are UTC
 * `Date`s; days, opening times and what patients read are Shanghai wall-clock.
 */

/** The alliance's time zone. */
export const bookingTimeZone = 'Asia/Shanghai';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant in Shanghai. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + zoneOffsetMs(bookingTimeZone, instant.getTime())).toISOString().slice(0, 10);
}

/** The instant a Shanghai date starts (00:00 local). */
export function shanghaiDayStart(date: string): Date {
  return new Date(fromLocal(Date.parse(`${date}T00:00:00Z`), bookingTimeZone));
}

/** The instant of a Shanghai wall-clock time `HH:mm` on `date`, moved by `dayOffset` days. */
export function shanghaiAt(date: string, time: string, dayOffset = 0): Date {
  const local = Date.parse(`${date}T${time}:00Z`) + dayOffset * DAY_MS;
  return new Date(fromLocal(local, bookingTimeZone));
}

/** ISO-8601 with the Shanghai offset, e.g. `2026-11-25T08:00:00+08:00` (WeChat Pay wants this form). */
export function shanghaiIso(instant: Date): string {
  const offset = zoneOffsetMs(bookingTimeZone, instant.getTime());
  const local = new Date(instant.getTime() + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Shanghai wall-clock `MM月DD日 HH:mm` for messages. */
export function shanghaiText(instant: Date): string {
  const iso = shanghaiIso(instant);
  return `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日 ${iso.slice(11, 16)}`;
}

/** `morning` before 12:00 Shanghai, else `afternoon`. */
export function periodOf(instant: Date): 'morning' | 'afternoon' {
  return Number(shanghaiIso(instant).slice(11, 13)) < 12 ? 'morning' : 'afternoon';
}

/** A date `days` after a Shanghai date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
