import type { Binary, ObjectId, Timestamp } from 'bson';
import { bsonKind, type BsonKind } from './bson-kind.js';
import { compareNumbers } from './numeric.js';

/**
 * MongoDB's total order over BSON values (the order $min/$max, $push's $sort and $addToSet's
 * equality use). mingo's `compare` does not know the `bson` classes (Long, Decimal128, ObjectId,
 * Timestamp, MinKey...), so we need our own.
 */
const CANONICAL_ORDER: Record<BsonKind, number> = {
  minKey: -1,
  undefined: 0,
  null: 5,
  number: 10,
  long: 10,
  decimal: 10,
  string: 15,
  symbol: 15,
  object: 20,
  array: 25,
  binData: 30,
  objectId: 35,
  bool: 40,
  date: 45,
  timestamp: 47,
  regex: 50,
  dbPointer: 55,
  javascript: 60,
  maxKey: 127,
};

/** The rank of a value's type in MongoDB's cross-type order. */
export function canonicalTypeOrder(v: unknown): number {
  return CANONICAL_ORDER[bsonKind(v)];
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Strings compare by UTF-8 bytes in MongoDB, which is code point order (not UTF-16 units). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0) ? -1 : 1;
  }
  return sign(a.length - b.length);
}

function binaryParts(v: unknown): { subType: number; bytes: Uint8Array } {
  if (v instanceof Uint8Array) return { subType: 0, bytes: v };
  const bin = v as Binary;
  return { subType: bin.sub_type, bytes: bin.buffer.subarray(0, bin.position) };
}

function compareEntries(a: [string, unknown][], b: [string, unknown][], compareNames: boolean): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [ka, va] = a[i] as [string, unknown];
    const [kb, vb] = b[i] as [string, unknown];
    const byType = sign(canonicalTypeOrder(va) - canonicalTypeOrder(vb));
    if (byType !== 0) return byType;
    if (compareNames) {
      const byName = compareStrings(ka, kb);
      if (byName !== 0) return byName;
    }
    const byValue = compareBson(va, vb);
    if (byValue !== 0) return byValue;
  }
  return sign(a.length - b.length);
}

function documentEntries(v: object): [string, unknown][] {
  // undefined-valued keys never reach the wire (the serializer drops them), so ignore them here too.
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

/** Compares two BSON values in MongoDB's order: negative, zero or positive. */
export function compareBson(a: unknown, b: unknown): number {
  const ta = canonicalTypeOrder(a);
  const tb = canonicalTypeOrder(b);
  if (ta !== tb) return sign(ta - tb);
  const kind = bsonKind(a);
  switch (kind) {
    case 'minKey':
    case 'maxKey':
    case 'null':
    case 'undefined':
      return 0;
    case 'number':
    case 'long':
    case 'decimal':
      return compareNumbers(a, b);
    case 'string':
    case 'symbol':
      return compareStrings(String(a), String(b));
    case 'object':
      return compareEntries(documentEntries(a as object), documentEntries(b as object), true);
    case 'array':
      return compareEntries(
        (a as unknown[]).map((x, i) => [String(i), x]),
        (b as unknown[]).map((x, i) => [String(i), x]),
        false,
      );
    case 'binData': {
      const x = binaryParts(a);
      const y = binaryParts(b);
      if (x.bytes.length !== y.bytes.length) return sign(x.bytes.length - y.bytes.length);
      if (x.subType !== y.subType) return sign(x.subType - y.subType);
      return compareBytes(x.bytes, y.bytes);
    }
    case 'objectId':
      return compareStrings((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 'bool':
      return sign(Number(a) - Number(b));
    case 'date':
      return sign((a as Date).getTime() - (b as Date).getTime());
    case 'timestamp': {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return sign(x.t - y.t) || sign(x.i - y.i);
    }
    case 'regex': {
      const x = regexParts(a);
      const y = regexParts(b);
      return compareStrings(x.source, y.source) || compareStrings(x.flags, y.flags);
    }
    default:
      return compareStrings(String(a), String(b));
  }
}

function regexParts(v: unknown): { source: string; flags: string } {
  if (v instanceof RegExp) return { source: v.source, flags: v.flags };
  const r = v as { pattern: string; options: string };
  return { source: r.pattern, flags: r.options };
}

/** MongoDB equality: 1, 1.0, NumberLong(1) and NumberDecimal("1") are all equal; field order matters. */
export function bsonEquals(a: unknown, b: unknown): boolean {
  return compareBson(a, b) === 0;
}
