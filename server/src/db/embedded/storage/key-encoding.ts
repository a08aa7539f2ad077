/**
 * Order-preserving string keys for BSON values.
 *
 * Every index and the primary map are keyed by strings, so ordering and equality must come from
 * the encoding alone: comparing two encodings as JS strings gives MongoDB's BSON order, and two
 * values encode identically exactly when MongoDB treats them as equal in an index (1, 1.0,
 * Long(1) and Decimal128('1') are one key). Encodings are prefix-free (self-delimiting), so a
 * compound key is the plain concatenation of its parts and still sorts field by field.
 *
 * Layout: one type-bracket character, then a body.
 *   number    → 16 hex chars of the order-flipped IEEE-754 double nearest the value, then a
 *               tie-breaker: '1' when the value is exactly that double (the usual case), '0…'/'2…'
 *               followed by the exact signed remainder for Longs beyond 2^53 and Decimal128s
 *               that are not doubles.
 *   string    → the text with \u0000/\u0001 escaped and surrogates swapped above U+E000–U+FFFF
 *               (so the order is UTF-8 byte order), terminated by \u0000.
 *   ObjectId  → 24 hex chars.  Date → 16 hex chars of the flipped double of its milliseconds.
 *   object    → per field: bracket char, name, value; then \u0000.  array → elements, then \u0000.
 *
 * Bracket characters are spaced two apart so that `typeBracketBounds` can return sentinels that
 * sit strictly between brackets and are never a prefix of a real key.
 */

/** Type-bracket characters, in MongoDB's canonical type order. */
const T_MINKEY = 0x41; // 'A'
const T_NULL = 0x43; // 'C' — null and undefined
const T_NUMBER = 0x45; // 'E'
const T_STRING = 0x47; // 'G' — string and symbol
const T_OBJECT = 0x49; // 'I'
const T_ARRAY = 0x4b; // 'K'
const T_BINARY = 0x4d; // 'M'
const T_OBJECTID = 0x4f; // 'O'
const T_BOOLEAN = 0x51; // 'Q'
const T_DATE = 0x53; // 'S'
const T_TIMESTAMP = 0x55; // 'U'
const T_REGEX = 0x57; // 'W'
const T_DBPOINTER = 0x59; // 'Y' — never produced by bson's deserialize, kept for order
const T_CODE = 0x5b; // '['
const T_CODE_W_SCOPE = 0x5d; // ']'
const T_MAXKEY = 0x5f; // '_'

const C_MINKEY = String.fromCharCode(T_MINKEY);
const C_NULL = String.fromCharCode(T_NULL);
const C_NUMBER = String.fromCharCode(T_NUMBER);
const C_STRING = String.fromCharCode(T_STRING);
const C_OBJECT = String.fromCharCode(T_OBJECT);
const C_ARRAY = String.fromCharCode(T_ARRAY);
const C_BINARY = String.fromCharCode(T_BINARY);
const C_BOOLEAN = String.fromCharCode(T_BOOLEAN);
const C_TIMESTAMP = String.fromCharCode(T_TIMESTAMP);
const C_REGEX = String.fromCharCode(T_REGEX);
const C_CODE = String.fromCharCode(T_CODE);
const C_CODE_W_SCOPE = String.fromCharCode(T_CODE_W_SCOPE);
const C_MAXKEY = String.fromCharCode(T_MAXKEY);

/** Ends an object or array; lower than every bracket char so a shorter container sorts first. */
const END = '\u0000';
/** Tie-breaker for a number that is exactly its double. */
const EXACT = '1';

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Which half of the Float64Array holds the sign and exponent depends on the platform's byte order.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

function hex32(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
}

/** Char codes of the 16 hex digits, for building keys with one String.fromCharCode call. */
const NIBBLE: number[] = [];
for (let i = 0; i < 16; i++) NIBBLE.push(i.toString(16).charCodeAt(0));

// Scratch buffers for the hot encoders: one fromCharCode call yields a flat string, which hashes
// and compares faster than a rope of concatenated pieces. Safe because encoding never re-enters.
const numberCodes: number[] = new Array<number>(18).fill(0);
const dateCodes: number[] = new Array<number>(17).fill(0);
numberCodes[0] = T_NUMBER;
numberCodes[17] = EXACT.charCodeAt(0);
dateCodes[0] = T_DATE;
const objectIdCodes: number[] = new Array<number>(25).fill(0);
objectIdCodes[0] = T_OBJECTID;

/**
 * Fills `codes[1..16]` with 16 hex chars whose string order is the numeric order of doubles
 * (positive numbers get their sign bit set, negative numbers have every bit inverted) and returns
 * the whole array as a string. NaN sorts below -Infinity (as in MongoDB); -0 is folded into 0.
 */
function doubleKey(codes: number[], n: number): string {
  let hi = 0;
  let lo = 0;
  if (n === n) {
    f64[0] = n === 0 ? 0 : n;
    hi = u32[HI]!;
    lo = u32[LO]!;
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else {
      hi = (hi | 0x80000000) >>> 0;
    }
  }
  for (let i = 0; i < 8; i++) {
    codes[8 - i] = NIBBLE[hi & 15]!;
    hi >>>= 4;
    codes[16 - i] = NIBBLE[lo & 15]!;
    lo >>>= 4;
  }
  return String.fromCharCode.apply(null, codes);
}

/** The 16 hex chars of a double's order-preserving form. */
function doubleBits(n: number): string {
  return doubleKey(dateCodes, n).slice(1);
}

function objectIdKey(bytes: Uint8Array): string {
  const codes = objectIdCodes;
  for (let i = 0; i < 12; i++) {
    const b = bytes[i]!;
    codes[1 + 2 * i] = NIBBLE[b >> 4]!;
    codes[2 + 2 * i] = NIBBLE[b & 15]!;
  }
  return String.fromCharCode.apply(null, codes);
}

const HIGH_CHARS = /[\ud800-\uffff]/;
const STRING_SPECIAL = /[\u0000\u0001\ud800-\uffff]/;
const STRING_SPECIAL_G = /[\u0000\u0001\ud800-\uffff]/g;

function escapeChar(c: string): string {
  if (c === '\u0000') return '\u0001\u0001';
  if (c === '\u0001') return '\u0001\u0002';
  // UTF-8 puts U+E000–U+FFFF below supplementary characters, but UTF-16 code units put them above
  // the surrogates that encode those; swapping the two blocks makes code-unit order code-point
  // (= UTF-8 byte) order without changing lengths.
  const code = c.charCodeAt(0);
  return String.fromCharCode(code >= 0xe000 ? code - 0x800 : code + 0x2000);
}

/** A string body plus terminator; string order of results is the UTF-8 byte order of inputs. */
function encodeString(s: string): string {
  return STRING_SPECIAL.test(s) ? s.replace(STRING_SPECIAL_G, escapeChar) + '\u0000' : s + '\u0000';
}

function bytesHex(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += HEX[bytes[i]!];
  return out;
}

/** bson's classes expose `_bsontype`; reading it structurally also works across bson copies. */
interface BsonTagged {
  _bsontype: string;
}

interface LongLike extends BsonTagged {
  high: number;
  low: number;
  unsigned: boolean;
  toNumber(): number;
  toBigInt(): bigint;
}

function encodeNumber(n: number): string {
  return doubleKey(numberCodes, n);
}

/** Encodes an integer held as a BigInt (Longs beyond 2^53, bigint values). */
function encodeBigInt(b: bigint): string {
  const d = Number(b); // nearest double, so the ordering by double is monotone
  if (!Number.isFinite(d)) return encodeNumber(d); // unreachable for 64-bit ints
  return C_NUMBER + doubleBits(d) + remainderSuffix(b - BigInt(d), 0);
}

function encodeLong(l: LongLike): string {
  // |value| < 2^53 ⇔ the high word fits in 21 bits (signed); then toNumber() is exact.
  if (!l.unsigned && l.high >= -0x200000 && l.high < 0x200000) return encodeNumber(l.toNumber());
  return encodeBigInt(l.toBigInt());
}

const DECIMAL_FORM = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Decimal128 values are exact decimals: equal to a double only when they are exactly that double. */
function encodeDecimalString(text: string): string {
  const d0 = Number(text);
  if (d0 !== d0 || d0 === Infinity || d0 === -Infinity) {
    // NaN and the infinities; also Number() overflow of a finite decimal (handled below).
    if (/^-?(Inf|NaN)/i.test(text)) return encodeNumber(d0);
  }
  const m = DECIMAL_FORM.exec(text);
  if (!m) return encodeNumber(d0);
  const negative = m[1] === '-';
  const fraction = m[3] ?? '';
  let coefficient = BigInt(m[2]! + fraction);
  if (coefficient === 0n) return encodeNumber(0);
  if (negative) coefficient = -coefficient;
  const exponent = Number(m[4] ?? '0') - fraction.length;
  // Beyond the double range the nearest finite double stands in, and the remainder orders them.
  const d = d0 === Infinity ? Number.MAX_VALUE : d0 === -Infinity ? -Number.MAX_VALUE : d0;
  if (d === 0) return C_NUMBER + doubleBits(0) + remainderSuffix(coefficient, -exponent);
  const { mantissa, exp2 } = doubleParts(d);
  // value − d, both scaled by 10^k so that they are integers: d·10^k = mantissa·5^k·2^(exp2+k).
  const k = Math.max(0, -exponent, -exp2);
  const scaledValue = coefficient * 10n ** BigInt(exponent + k);
  const scaledDouble = mantissa * 5n ** BigInt(k) * 2n ** BigInt(exp2 + k);
  return C_NUMBER + doubleBits(d) + remainderSuffix(scaledValue - scaledDouble, k);
}

/** |d| = mantissa · 2^exp2 exactly, signed mantissa. */
function doubleParts(d: number): { mantissa: bigint; exp2: number } {
  f64[0] = Math.abs(d);
  const hi = u32[HI]!;
  const lo = u32[LO]!;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2 = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  return { mantissa: d < 0 ? -mantissa : mantissa, exp2 };
}

/**
 * Order-preserving, self-delimiting form of the remainder r = scaled · 10^-scale (value minus its
 * nearest double): '1' for zero, '2' + exponent + digits + '.' for positive, '0' + inverted
 * exponent + inverted digits + ':' for negative (so larger magnitudes sort lower).
 */
function remainderSuffix(scaled: bigint, scale: number): string {
  if (scaled === 0n) return EXACT;
  const negative = scaled < 0n;
  let digits = (negative ? -scaled : scaled).toString();
  // r = 0.digits × 10^e
  const e = digits.length - scale;
  digits = digits.replace(/0+$/, '');
  if (!negative) return '2' + String(e + 500000).padStart(7, '0') + digits + '.';
  let inverted = '';
  for (let i = 0; i < digits.length; i++) inverted += String(9 - (digits.charCodeAt(i) - 48));
  return '0' + String(500000 - e).padStart(7, '0') + inverted + ':';
}

function encodeObject(o: Record<string, unknown>): string {
  let out = C_OBJECT;
  for (const name in o) {
    if (!Object.prototype.hasOwnProperty.call(o, name)) continue;
    const value = o[name];
    // bson never produces undefined fields in a deserialized document; skip any a caller left.
    if (value === undefined) continue;
    // MongoDB compares an object's fields by type first, then name, then value.
    const encoded = encodeValue(value);
    out += encoded[0]! + encodeString(name) + encoded;
  }
  return out + END;
}

function encodeArray(a: readonly unknown[]): string {
  let out = C_ARRAY;
  for (let i = 0; i < a.length; i++) out += encodeValue(a[i]);
  return out + END;
}

function encodeBsonObject(v: object): string {
  const tag = (v as Partial<BsonTagged>)._bsontype;
  switch (tag) {
    case undefined:
      break;
    case 'ObjectId':
      return objectIdKey((v as unknown as { id: Uint8Array }).id);
    case 'Long':
      return encodeLong(v as LongLike);
    case 'Decimal128':
      return encodeDecimalString(String(v));
    case 'Int32':
    case 'Double':
      return encodeNumber((v as unknown as { value: number }).value);
    case 'Timestamp': {
      const ts = v as unknown as { t: number; i: number };
      return C_TIMESTAMP + hex32(ts.t) + hex32(ts.i);
    }
    case 'Binary': {
      // MongoDB orders BinData by length, then subtype, then bytes.
      const bin = v as unknown as { buffer: Uint8Array; position: number; sub_type: number };
      return C_BINARY + hex32(bin.position) + HEX[bin.sub_type & 255] + bytesHex(bin.buffer, bin.position);
    }
    case 'MinKey':
      return C_MINKEY;
    case 'MaxKey':
      return C_MAXKEY;
    case 'BSONRegExp': {
      const re = v as unknown as { pattern: string; options: string };
      return C_REGEX + encodeString(re.pattern) + encodeString(re.options);
    }
    case 'BSONSymbol':
      return C_STRING + encodeString(String((v as unknown as { value: string }).value));
    case 'Code': {
      const code = v as unknown as { code: string; scope: Record<string, unknown> | null };
      return code.scope
        ? C_CODE_W_SCOPE + encodeString(code.code) + encodeObject(code.scope)
        : C_CODE + encodeString(code.code);
    }
    case 'DBRef': {
      // A DBRef is an ordinary {$ref, $id, $db} subdocument on the wire.
      const ref = v as unknown as { toJSON(): Record<string, unknown> };
      return encodeObject(ref.toJSON());
    }
    default:
      break;
  }
  return encodeObject(v as Record<string, unknown>);
}

/**
 * Order-preserving encoding of one BSON value: comparing encodings as JS strings gives
 * `compareValues` order, and two values encode identically iff MongoDB treats them as equal for
 * index and equality purposes (1, 1.0, Long(1), Decimal128('1') are equal; -0 equals 0; NaN
 * equals NaN; undefined equals null). Prefix-free, so compound keys can be concatenated.
 */
export function encodeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return C_STRING + encodeString(v);
    case 'number':
      return doubleKey(numberCodes, v);
    case 'boolean':
      return v ? C_BOOLEAN + '1' : C_BOOLEAN + '0';
    case 'undefined':
      return C_NULL;
    case 'bigint':
      return encodeBigInt(v);
    case 'object':
      if (v === null) return C_NULL;
      if (Array.isArray(v)) return encodeArray(v);
      if (v instanceof Date) return doubleKey(dateCodes, v.getTime());
      if (v instanceof RegExp) return C_REGEX + encodeString(v.source) + encodeString(v.flags);
      return encodeBsonObject(v);
    default:
      // Functions and symbols are not BSON values; order them with null rather than throw.
      return C_NULL;
  }
}

/** Encodes a compound key (values in index-field order) as the concatenation of their encodings. */
export function encodeCompound(values: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += encodeValue(values[i]);
  return out;
}

/**
 * MongoDB's BSON comparison order (negative, 0, positive): MinKey < null/undefined < numbers <
 * string/symbol < object < array < BinData < ObjectId < boolean < Date < Timestamp < RegExp <
 * MaxKey. Numbers compare numerically across types (NaN lowest); strings by UTF-8 bytes (the
 * simple collation); objects field by field (type, name, value); arrays element by element.
 * Always consistent with `encodeValue`.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    // At least one NaN: NaN equals NaN and sorts below every other number.
    return a !== a ? (b !== b ? 0 : -1) : 1;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return 0;
    // Code-unit order is UTF-8 order unless a surrogate or U+E000–U+FFFF is involved.
    if (!HIGH_CHARS.test(a) && !HIGH_CHARS.test(b)) return a < b ? -1 : 1;
  } else if (a instanceof Date && b instanceof Date) {
    return compareValues(a.getTime(), b.getTime());
  } else if (typeof a === 'boolean' && typeof b === 'boolean') {
    return a === b ? 0 : a ? 1 : -1;
  }
  const ea = encodeValue(a);
  const eb = encodeValue(b);
  return ea < eb ? -1 : ea > eb ? 1 : 0;
}

/** The record id of a document: `encodeValue(doc._id)`, the key of the primary map. */
export function recordIdOf(id: unknown): string {
  return encodeValue(id);
}

/**
 * Sentinels strictly below and above every encoded key in the type bracket of `v`, for range
 * bounds that must stay inside one type ({$gt: 5} only matches numbers). Neither sentinel is a
 * prefix of a real key, so they work as inclusive or exclusive bounds alike.
 */
export function typeBracketBounds(v: unknown): { min: string; max: string } {
  const bracket = encodeValue(v).charCodeAt(0);
  return { min: String.fromCharCode(bracket - 1), max: String.fromCharCode(bracket + 1) };
}

/**
 * The smallest string greater than every string that starts with `prefix`: keys with the prefix
 * are exactly those in [prefix, keyPrefixEnd(prefix)). Valid because no encoding ends in \uffff.
 */
export function keyPrefixEnd(prefix: string): string {
  if (prefix.length === 0) return '\uffff';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
