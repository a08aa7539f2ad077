/**
 * Exact decimal arithmetic on BigInt coefficients. `bson`'s Decimal128 can only parse and print,
 * and going through a JS double would silently lose the precision people choose Decimal128 for
 * (money, dosages), so $inc/$mul/$min/$max on decimals use this instead.
 */
export type DecimalValue =
  | { kind: 'finite'; negative: boolean; coefficient: bigint; exponent: number }
  | { kind: 'nan' }
  | { kind: 'infinity'; negative: boolean };

const DECIMAL_PATTERN = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses the text of a Decimal128, a JS number (`String(n)`) or a Long (`toString()`). */
export function parseDecimal(text: string): DecimalValue {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return { kind: 'nan' };
  if (/^[+-]?(inf|infinity)$/.test(lower)) return { kind: 'infinity', negative: lower.startsWith('-') };
  const m = DECIMAL_PATTERN.exec(trimmed);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return { kind: 'nan' };
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? '';
  const exp = m[4] ? Number.parseInt(m[4], 10) : 0;
  return {
    kind: 'finite',
    negative: m[1] === '-',
    coefficient: BigInt(`${intDigits}${fracDigits}` || '0'),
    exponent: exp - fracDigits.length,
  };
}

/** Prints a decimal in the scientific form `Decimal128.fromString` accepts (e.g. `-125E-2`). */
export function formatDecimal(d: DecimalValue): string {
  if (d.kind === 'nan') return 'NaN';
  if (d.kind === 'infinity') return d.negative ? '-Infinity' : 'Infinity';
  const sign = d.negative ? '-' : '';
  return d.exponent === 0 ? `${sign}${d.coefficient}` : `${sign}${d.coefficient}E${d.exponent}`;
}

function signed(d: { negative: boolean; coefficient: bigint }): bigint {
  return d.negative ? -d.coefficient : d.coefficient;
}

function fromSigned(value: bigint, exponent: number, negativeZero: boolean): DecimalValue {
  const negative = value < 0n || (value === 0n && negativeZero);
  return { kind: 'finite', negative, coefficient: value < 0n ? -value : value, exponent };
}

/** a + b with IEEE 754-2008 decimal semantics for the special values. */
export function addDecimal(a: DecimalValue, b: DecimalValue): DecimalValue {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinity' && b.kind === 'infinity') return a.negative === b.negative ? a : { kind: 'nan' };
  if (a.kind === 'infinity') return a;
  if (b.kind === 'infinity') return b;
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = signed(a) * 10n ** BigInt(a.exponent - exponent) + signed(b) * 10n ** BigInt(b.exponent - exponent);
  return fromSigned(sum, exponent, a.negative && b.negative);
}

/** a × b with IEEE 754-2008 decimal semantics for the special values. */
export function multiplyDecimal(a: DecimalValue, b: DecimalValue): DecimalValue {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    const zero = (a.kind === 'finite' && a.coefficient === 0n) || (b.kind === 'finite' && b.coefficient === 0n);
    return zero ? { kind: 'nan' } : { kind: 'infinity', negative: a.negative !== b.negative };
  }
  return {
    kind: 'finite',
    negative: a.negative !== b.negative,
    coefficient: a.coefficient * b.coefficient,
    exponent: a.exponent + b.exponent,
  };
}

/** Numeric order; NaN sorts below every number and equals itself, as in MongoDB. */
export function compareDecimal(a: DecimalValue, b: DecimalValue): number {
  if (a.kind === 'nan' || b.kind === 'nan') return a.kind === b.kind ? 0 : a.kind === 'nan' ? -1 : 1;
  const rank = (d: DecimalValue): number => (d.kind === 'infinity' ? (d.negative ? -1 : 1) : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== 0 || rb !== 0) return Math.sign(ra - rb);
  if (a.kind !== 'finite' || b.kind !== 'finite') return 0;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = signed(a) * 10n ** BigInt(a.exponent - exponent);
  const y = signed(b) * 10n ** BigInt(b.exponent - exponent);
  return x < y ? -1 : x > y ? 1 : 0;
}
