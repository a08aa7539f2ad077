/**
 * Dates for people in Asia/Shanghai (UTC+8, no daylight saving), computed by hand because the
 * mini-program's JavaScript engine does not reliably support Intl time zones.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2025-11-24T02:05:00Z" → "11月24日 10:05"; null or garbage → null. */
export function formatShanghaiDateTime(iso: string | null): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A local calendar date "2025-11-25" → "11月25日 周二" (the weekday of that calendar date). */
export function formatLocalDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${month}月${day}日 ${WEEKDAYS[weekday]}`;
}
