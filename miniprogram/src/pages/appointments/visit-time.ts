import { formatLocalDate } from '../../services/datetime';

/**
 * Clock and calendar of a visit in Asia/Shanghai (UTC+8, no daylight saving), by hand like
 * services/datetime.ts, because the mini-program's engine lacks reliable Intl time zones.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number): string => String(n).padStart(2, '0');

function shanghai(iso: string): Date | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms + SHANGHAI_OFFSET_MS);
}

/** "2025-11-25T00:15:00Z" → "08:15". */
export function shanghaiClock(iso: string): string {
  const d = shanghai(iso);
  return d ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : '';
}

/** "2025-11-25T00:15:00Z" → "2025-11-25", the Shanghai calendar date. */
export function shanghaiDate(iso: string): string {
  const d = shanghai(iso);
  return d ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` : '';
}

/** A slot or appointment: "11月25日 周二 08:00–08:15". */
export function visitTimeText(start: string, end: string): string {
  return `${formatLocalDate(shanghaiDate(start))} ${shanghaiClock(start)}–${shanghaiClock(end)}`;
}

/** A deadline the patient must meet: "11月25日 08:15" (today's date is still shown, to be plain). */
export function deadlineText(iso: string): string {
  const d = shanghai(iso);
  return d ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : '';
}
