import type { Document } from 'bson';
import { Context, evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { fromLocal, zoneOffsetMs } from '../../../time-zone.js';

/**
 * Expression operators where mingo differs from MongoDB, implemented to MongoDB's rules and
 * swapped in by name (mingo's own operators cannot be overridden in a context):
 * time-zone-aware `$dateTrunc` and `$dateFromString`, ASCII-only `$toLower`/`$toUpper`, and
 * `$indexOfCP`, which mingo lacks.
 */
const RENAMED: Record<string, string> = {
  $dateTrunc: '$__clDateTrunc',
  $dateFromString: '$__clDateFromString',
  $toLower: '$__clToLower',
  $toUpper: '$__clToUpper',
  $indexOfCP: '$__clIndexOfCP',
};

/** Names our replacements handle (so the pipeline checker accepts them). */
export const EXTRA_EXPRESSION_NAMES = Object.keys(RENAMED);

type Eval = (obj: unknown, expr: unknown, options: Options) => unknown;

const UNIT_MS: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const dateTrunc: Eval = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options) as Document;
  const date = args.date;
  if (date === null || date === undefined) return null;
  if (!(date instanceof Date)) throw new MongoCommandError(5439012, "$dateTrunc requires 'date' to be a date", { codeName: 'Location5439012' });
  const unit = String(args.unit);
  const binSize = Number(args.binSize ?? 1);
  const zone = args.timezone as string | undefined;
  const local = date.getTime() + zoneOffsetMs(zone, date.getTime());
  let truncated: number;
  if (unit in UNIT_MS) {
    const size = UNIT_MS[unit]! * binSize;
    // Bins count from 2000-01-01 in local time, as MongoDB's reference point.
    const origin = Date.UTC(2000, 0, 1);
    truncated = origin + Math.floor((local - origin) / size) * size;
  } else if (unit === 'week') {
    const start = WEEKDAYS.indexOf(String(args.startOfWeek ?? 'sunday').toLowerCase());
    const day = new Date(local);
    const dayStart = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
    const back = (day.getUTCDay() - start + 7) % 7;
    const weekStart = dayStart - back * UNIT_MS.day!;
    const origin = Date.UTC(2000, 0, 2) + ((start - 0 + 7) % 7) * UNIT_MS.day!; // 2000-01-02 was a Sunday
    const size = 7 * UNIT_MS.day! * binSize;
    truncated = origin + Math.floor((weekStart - origin) / size) * size;
  } else if (unit === 'month' || unit === 'quarter' || unit === 'year') {
    const d = new Date(local);
    const months = (d.getUTCFullYear() - 2000) * 12 + d.getUTCMonth();
    const per = (unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12) * binSize;
    const bin = Math.floor(months / per) * per;
    truncated = Date.UTC(2000 + Math.floor(bin / 12), ((bin % 12) + 12) % 12, 1);
  } else {
    throw new MongoCommandError(ErrorCodes.BadValue, `$dateTrunc parameter 'unit' value cannot be recognized as a time unit: ${unit}`);
  }
  return new Date(fromLocal(truncated, zone));
};

const DATE_STRING = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

const dateFromString: Eval = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options) as Document;
  const text = args.dateString;
  if (text === null || text === undefined) return args.onNull !== undefined ? args.onNull : null;
  const m = typeof text === 'string' ? DATE_STRING.exec(text.trim()) : null;
  if (!m) {
    if (args.onError !== undefined) return args.onError;
    throw new MongoCommandError(241, `Error parsing date string '${String(text)}'`, { codeName: 'ConversionFailure' });
  }
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(3, '0')));
  const zone = m[8] ? (m[8] === 'Z' ? 'UTC' : m[8]) : (args.timezone as string | undefined);
  return new Date(fromLocal(local, zone));
};

function asciiCase(upper: boolean): Eval {
  return (obj, expr, options) => {
    const v = evalExpr(obj, expr, options);
    if (v === null || v === undefined) return '';
    const s = String(v);
    return s.replace(upper ? /[a-z]+/g : /[A-Z]+/g, (run) => (upper ? run.toUpperCase() : run.toLowerCase()));
  };
}

const indexOfCP: Eval = (obj, expr, options) => {
  const [s, sub, start, end] = evalExpr(obj, expr, options) as [unknown, unknown, unknown, unknown];
  if (s === null || s === undefined) return null;
  if (typeof s !== 'string' || typeof sub !== 'string') {
    throw new MongoCommandError(40093, '$indexOfCP requires a string as the first and second argument', { codeName: 'Location40093' });
  }
  const points = Array.from(s);
  const target = Array.from(sub);
  const from = start === undefined ? 0 : Number(start);
  const to = end === undefined ? points.length : Math.min(points.length, Number(end));
  for (let i = from; i + target.length <= to; i++) {
    if (target.every((c, j) => points[i + j] === c)) return i;
  }
  return -1;
};

/** The aggregation context with our replacements registered. */
export const AGGREGATION_CONTEXT = Context.init().addExpressionOps({
  $__clDateTrunc: dateTrunc as never,
  $__clDateFromString: dateFromString as never,
  $__clToLower: asciiCase(false) as never,
  $__clToUpper: asciiCase(true) as never,
  $__clIndexOfCP: indexOfCP as never,
});

/** Renames the replaced operators throughout a pipeline (they are only valid as expression names). */
export function renameExtraExpressions<T>(value: T): T {
  if (Array.isArray(value)) return value.map(renameExtraExpressions) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Document = {};
  for (const [key, v] of Object.entries(value as Document)) out[RENAMED[key] ?? key] = key === '$literal' ? v : renameExtraExpressions(v);
  return out as T;
}
