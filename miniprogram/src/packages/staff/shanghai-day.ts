/**
 * Calendar days in Asia/Shanghai (UTC+8, no daylight saving), by hand like services/datetime.ts:
 * the staff pick days as the hospital counts them, whatever the browser's time zone.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Shanghai calendar date `days` after the one of `now` (negative: before), YYYY-MM-DD. */
export function shanghaiDay(now: number = Date.now(), days = 0): string {
  return new Date(now + SHANGHAI_OFFSET_MS + days * DAY_MS).toISOString().slice(0, 10);
}
