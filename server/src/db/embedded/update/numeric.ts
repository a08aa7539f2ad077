import { Decimal128, Double, Long } from 'bson';
import { bsonKind, bsonTypeTag } from './bson-kind.js';
import {
  addDecimal,
  compareDecimal,
  formatDecimal,
  multiplyDecimal,
  parseDecimal,
  type DecimalValue,
} from './decimal-math.js';

/**
 * Arithmetic across BSON's numeric types with MongoDB's result types: a Decimal128 operand makes
 * the result Decimal128; otherwise a Long with an integral operand stays a Long (and overflowing
 * int64 is an error, as in MongoDB); a fractional double makes it a double.
 *
 * An integral Double is stored as a `Double` wrapper (JS numbers would go back as Int32); other
 * numbers are JS numbers: integral ones in 32-bit range are Int32, the rest Double. Int32 ∘ Int32
 * overflowing 32 bits widens to Long, as in MongoDB.
 */
export type NumericValue = number | Long | Decimal128 | Double;

/** Thrown when a Long result does not fit in 64 bits; callers turn it into MongoDB's error. */
export class Int64OverflowError extends Error {
  constructor() {
    super('int64 overflow');
    this.name = 'Int64OverflowError';
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function asNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number((v as { valueOf(): unknown }).valueOf());
}

function asBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  return (v as Long).toBigInt();
}

/** The exact decimal value of any numeric BSON value. */
export function toDecimalValue(v: unknown): DecimalValue {
  switch (bsonKind(v)) {
    case 'decimal':
      return parseDecimal((v as Decimal128).toString());
    case 'long':
      return parseDecimal(asBigInt(v).toString());
    default:
      // String(n) is the shortest text that round-trips the double, which is what a user typed.
      return parseDecimal(String(asNumber(v)));
  }
}

function toDecimal128(d: DecimalValue): Decimal128 {
  // More than 34 significant digits needs rounding, which only the rounding parser does.
  return Decimal128.fromStringWithRounding(formatDecimal(d));
}

function toLong(value: bigint): Long {
  if (value < INT64_MIN || value > INT64_MAX) throw new Int64OverflowError();
  return Long.fromBigInt(value);
}

function isIntegral(n: number): boolean {
  return Number.isInteger(n) && Number.isSafeInteger(n);
}

type Op = 'add' | 'multiply';

function combine(a: unknown, b: unknown, op: Op): NumericValue {
  const ka = bsonKind(a);
  const kb = bsonKind(b);
  if (ka === 'decimal' || kb === 'decimal') {
    const x = toDecimalValue(a);
    const y = toDecimalValue(b);
    return toDecimal128(op === 'add' ? addDecimal(x, y) : multiplyDecimal(x, y));
  }
  if (ka === 'long' || kb === 'long') {
    const other = ka === 'long' ? b : a;
    if (bsonKind(other) === 'long' || (!isDouble(other) && isIntegral(asNumber(other)))) {
      const x = asBigInt(ka === 'long' ? a : BigInt(asNumber(a)));
      const y = asBigInt(kb === 'long' ? b : BigInt(asNumber(b)));
      return toLong(op === 'add' ? x + y : x * y);
    }
    // long ∘ double is a double in MongoDB.
    const x = ka === 'long' ? Number(asBigInt(a)) : asNumber(a);
    const y = kb === 'long' ? Number(asBigInt(b)) : asNumber(b);
    const r = op === 'add' ? x + y : x * y;
    return Number.isInteger(r) ? new Double(r) : r;
  }
  const x = asNumber(a);
  const y = asNumber(b);
  const r = op === 'add' ? x + y : x * y;
  // A Double operand makes a Double; keep it wrapped when integral, or it would go back as Int32.
  if (isDouble(a) || isDouble(b)) return Number.isInteger(r) ? new Double(r) : r;
  // Int32 ∘ Int32 overflowing 32 bits widens to Int64, as in MongoDB.
  if (Number.isSafeInteger(r) && (r > 2147483647 || r < -2147483648)) return Long.fromNumber(r);
  return r;
}

function isDouble(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isInteger(v) || v > 2147483647 || v < -2147483648;
  return bsonTypeTag(v) === 'Double';
}

/** a + b keeping BSON numeric types (see the module comment). */
export function addNumbers(a: unknown, b: unknown): NumericValue {
  return combine(a, b, 'add');
}

/** a × b keeping BSON numeric types (see the module comment). */
export function multiplyNumbers(a: unknown, b: unknown): NumericValue {
  return combine(a, b, 'multiply');
}

/** Numeric comparison across number, Long and Decimal128; NaN is below every number. */
export function compareNumbers(a: unknown, b: unknown): number {
  const ka = bsonKind(a);
  const kb = bsonKind(b);
  if (ka === 'number' && kb === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka === 'long' && kb === 'long') {
    const x = asBigInt(a);
    const y = asBigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka !== 'decimal' && kb !== 'decimal') {
    // Long against double: compare exactly without converting the Long to a double.
    const longFirst = ka === 'long';
    const l = asBigInt(longFirst ? a : b);
    const n = asNumber(longFirst ? b : a);
    let cmp: number;
    if (Number.isNaN(n)) cmp = 1;
    else if (n === Infinity) cmp = -1;
    else if (n === -Infinity) cmp = 1;
    else {
      const floor = BigInt(Math.floor(n));
      if (l < floor) cmp = -1;
      else if (l > floor) cmp = 1;
      else cmp = Number.isInteger(n) ? 0 : -1;
    }
    return longFirst ? cmp : -cmp;
  }
  return compareDecimal(toDecimalValue(a), toDecimalValue(b));
}

/** Integer value of an Int32/Long operand for $bit; undefined for anything else. */
export function integralValue(v: unknown): bigint | undefined {
  const k = bsonKind(v);
  if (k === 'long') return asBigInt(v);
  if (k === 'number') {
    const n = asNumber(v);
    return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? BigInt(n) : undefined;
  }
  return undefined;
}

/**
 * Applies a $bit operation. Int32 ∘ Int32 stays a 32-bit number; a Long on either side makes a Long.
 */
export function bitwise(current: unknown, operand: unknown, op: 'and' | 'or' | 'xor'): number | Long {
  const x = integralValue(current) ?? 0n;
  const y = integralValue(operand) ?? 0n;
  const r = op === 'and' ? x & y : op === 'or' ? x | y : x ^ y;
  if (bsonKind(current) === 'long' || bsonKind(operand) === 'long') return Long.fromBigInt(BigInt.asIntN(64, r));
  return Number(BigInt.asIntN(32, r));
}
