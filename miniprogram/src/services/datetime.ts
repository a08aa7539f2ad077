/**
 * Dates for people in Asia/Shanghai (UTC+8, no daylight saving), computed by hand because the
 * mini-program's JavaScript engine does not reliably support Intl time zones. The one place the
 * mini-program turns instants into Shanghai dates and clock times.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

/** Two digits. */
export const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The Shanghai wall clock of an ISO instant, as a Date whose UTC fields (getUTCHours…) read
 * Shanghai time; null for garbage.
 */
export function shanghaiWallClock(iso: string): Date | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms + SHANGHAI_OFFSET_MS);
}

/** "2025-11-24T02:05:00Z" → "11月24日 10:05"; null or garbage → null. */
export function formatShanghaiDateTime(iso: string | null): string | null {
  const d = iso ? shanghaiWallClock(iso) : null;
  if (!d) return null;
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2025-11-25T00:15:00Z" → "08:15"; garbage → "". */
export function shanghaiClock(iso: string): string {
  const d = shanghaiWallClock(iso);
  return d ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : '';
}

/** "2025-11-25T00:15:00Z" → "2025-11-25", the Shanghai calendar date; garbage → "". */
export function shanghaiDate(iso: string): string {
  const d = shanghaiWallClock(iso);
  return d ? d.toISOString().slice(0, 10) : '';
}

/** The Shanghai calendar date `days` after the one of `now` (negative: before), YYYY-MM-DD. */
export function shanghaiDay(now: number = Date.now(), days = 0): string {
  return new Date(now + SHANGHAI_OFFSET_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** A local calendar date "2025-11-25" → "11月25日 周二" (the weekday of that calendar date). */
export function formatLocalDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${month}月${day}日 ${WEEKDAYS[weekday]}`;
}
