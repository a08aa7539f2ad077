/**
 * Index bounds written the way MongoDB's explain writes them (`"[5, 5]"`, `"(3, inf.0]"`,
 * `"[MinKey, MaxKey]"`), so explain output from the embedded server reads like the real one.
 */

/** One interval of one index field. */
export interface BoundInterval {
  low: string;
  high: string;
  lowInclusive: boolean;
  highInclusive: boolean;
}

/** The interval that admits every key. */
export const ALL_KEYS: BoundInterval = { low: 'MinKey', high: 'MaxKey', lowInclusive: true, highInclusive: true };

/** A point interval `[v, v]`. */
export function pointInterval(v: unknown): BoundInterval {
  const shown = formatBoundValue(v);
  return { low: shown, high: shown, lowInclusive: true, highInclusive: true };
}

/** `[low, high)` etc. */
export function formatInterval(i: BoundInterval): string {
  return `${i.lowInclusive ? '[' : '('}${i.low}, ${i.high}${i.highInclusive ? ']' : ')'}`;
}

/** Lowest and highest value shown for an open side of a range within `v`'s type bracket. */
export function bracketEnds(v: unknown): { low: string; high: string } {
  if (typeof v === 'number') return { low: '-inf.0', high: 'inf.0' };
  if (typeof v === 'string') return { low: '""', high: '{}' };
  if (typeof v === 'boolean') return { low: 'false', high: 'true' };
  if (v instanceof Date) return { low: 'new Date(-9223372036854775808)', high: 'new Date(9223372036854775807)' };
  const tag = typeof v === 'object' && v !== null ? (v as { _bsontype?: string })._bsontype : undefined;
  switch (tag) {
    case 'Long':
    case 'Decimal128':
    case 'Int32':
    case 'Double':
      return { low: '-inf.0', high: 'inf.0' };
    case 'ObjectId':
      return { low: "ObjectId('000000000000000000000000')", high: "ObjectId('ffffffffffffffffffffffff')" };
    case 'Timestamp':
      return { low: 'Timestamp(0, 0)', high: 'Timestamp(4294967295, 4294967295)' };
    case 'BSONSymbol':
      return { low: '""', high: '{}' };
    default:
      return { low: 'MinKey', high: 'MaxKey' };
  }
}

/** A value as MongoDB's explain prints it inside bounds. */
export function formatBoundValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan.0';
    if (v === Infinity) return 'inf.0';
    if (v === -Infinity) return '-inf.0';
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const tag = typeof v === 'object' ? (v as { _bsontype?: string })._bsontype : undefined;
  switch (tag) {
    case 'ObjectId':
      return `ObjectId('${String(v)}')`;
    case 'Decimal128':
      return `NumberDecimal("${String(v)}")`;
    case 'Timestamp': {
      const ts = v as { t: number; i: number };
      return `Timestamp(${ts.t}, ${ts.i})`;
    }
    case 'MinKey':
      return 'MinKey';
    case 'MaxKey':
      return 'MaxKey';
    default:
      return String(v);
  }
}
