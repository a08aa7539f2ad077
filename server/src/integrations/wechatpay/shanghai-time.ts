/**
 * WeChat Pay speaks Beijing time: RFC 3339 instants with `+08:00` and bill dates/times in
 * Shanghai wall-clock. China has one zone and no DST, so a fixed offset is exact.
 */

const OFFSET_MS = 8 * 60 * 60 * 1000;

/** `2026-03-01T09:30:00+08:00` (second precision, as WeChat Pay writes and accepts it). */
export function toWechatTime(instant: Date): string {
  return `${new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The Shanghai date of an instant, `2026-03-01`. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Bill wall-clock `2026-03-01 09:30:00` (Shanghai) → `2026-03-01T09:30:00+08:00`; null if malformed. */
export function billTimeToWechatTime(value: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value);
  return match ? `${match[1]}T${match[2]}+08:00` : null;
}

/** An instant → bill wall-clock `2026-03-01 09:30:00` (Shanghai). */
export function toBillTime(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
