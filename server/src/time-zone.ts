/**
 * Time-zone arithmetic (aggregation expressions, schedule dates): the UTC offset of an IANA zone
 * (or a "+08:00" offset) at an instant, from Intl with one cached formatter per zone, so DST
 * zones work too and hot loops do not build a formatter per call.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC at `instantMs`, in milliseconds (local = utc + offset). */
export function zoneOffsetMs(zone: string | undefined | null, instantMs: number): number {
  if (!zone || zone === 'UTC' || zone === 'GMT' || zone === 'Z') return 0;
  const fixed = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) * 60_000;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return local - Math.floor(instantMs / 1000) * 1000;
}

/** The instant whose local wall-clock time in `zone` is `localMs` (read as if UTC). */
export function fromLocal(localMs: number, zone: string | undefined | null): number {
  let guess = localMs - zoneOffsetMs(zone, localMs);
  // One correction step settles DST transitions.
  guess = localMs - zoneOffsetMs(zone, guess);
  return guess;
}

/** Local date (YYYY-MM-DD) and hour (0–23) of an instant in a time zone. */
export function localDateAndHour(instant: Date, timeZone: string): { date: string; hour: number } {
  const local = new Date(instant.getTime() + zoneOffsetMs(timeZone, instant.getTime()));
  return { date: local.toISOString().slice(0, 10), hour: local.getUTCHours() };
}
