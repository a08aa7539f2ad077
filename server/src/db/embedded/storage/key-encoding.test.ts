import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  deserialize,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  serialize,
  Timestamp,
} from 'bson';
import { describe, expect, it } from 'vitest';
import { compareValues, encodeCompound, encodeValue, keyPrefixEnd, recordIdOf, typeBracketBounds } from './key-encoding.js';

const dec = (s: string): Decimal128 => Decimal128.fromString(s);
const long = (s: string): Long => Long.fromString(s);

/**
 * Ascending reference order; values inside one group are equal to MongoDB. Built from the
 * documented BSON comparison order and MongoDB's numeric cross-type comparison.
 */
const ORDERED: unknown[][] = [
  [new MinKey()],
  [null, undefined],
  // numbers
  [NaN, dec('NaN'), dec('-NaN')],
  [-Infinity, dec('-Infinity')],
  [dec('-1E+400')],
  [-Number.MAX_VALUE],
  [long('-9223372036854775808'), -9223372036854775808, dec('-9223372036854775808')],
  [long('-9223372036854775807')],
  [long('-9007199254740993')],
  [long('-9007199254740992'), -9007199254740992],
  [-1.5, dec('-1.50')],
  [-1, long('-1'), new Int32(-1), dec('-1.000')],
  [-Number.MIN_VALUE],
  [dec('-1E-6176')],
  [0, -0, long('0'), dec('0'), dec('-0'), dec('0E-20'), new Double(0)],
  [dec('1E-6176')],
  [Number.MIN_VALUE],
  [dec('0.1')],
  [dec('0.1000000000000000055511151231257827')], // the double 0.1 cut to 34 digits: just below it
  [0.1],
  [2 ** -1, dec('0.5'), dec('5E-1')],
  [1, 1.0, long('1'), new Int32(1), dec('1'), dec('1.0'), dec('1.00000000000000000000000000000000'), new Double(1)],
  [dec('1.0000000000000000000000000000001')],
  [1.0000000000000002],
  [2 ** 31, long('2147483648')],
  [9007199254740992, long('9007199254740992')],
  [long('9007199254740993'), dec('9007199254740993')],
  [9007199254740994, long('9007199254740994')],
  [long('9223372036854775806')],
  [long('9223372036854775807'), dec('9223372036854775807')],
  [9223372036854775808, dec('9223372036854775808')],
  [Number.MAX_VALUE],
  [dec('1E+400')],
  [Infinity, dec('Infinity')],
  // strings (UTF-8 byte order: U+FFFF < U+10000)
  ['', new BSONSymbol('')],
  ['\u0000'],
  ['\u0000\u0000'],
  ['\u0001'],
  ['\u0002'],
  ['A'],
  ['Z'],
  ['a', new BSONSymbol('a')],
  ['a\u0000'],
  ['a\u0000b'],
  ['a\u0001'],
  ['ab'],
  ['b'],
  ['é'],
  ['中'],
  ['中文'],
  ['\ud7ff'],
  ['\ue000'],
  ['\uff0c'],
  ['\uffff'],
  ['😀'],
  ['😀a'],
  // objects: field type, then name, then value; fewer fields first
  [{}],
  [{ a: null }],
  [{ a: 1 }, { a: 1.0 }, { a: long('1') }],
  [{ a: 1, b: 1 }],
  [{ a: 2 }],
  [{ b: 0 }],
  [{ a: 'x' }],
  [{ a: {} }],
  [{ a: [] }],
  [{ a: true }],
  // arrays: element by element, shorter first
  [[]],
  [[null]],
  [[1], [long('1')]],
  [[1, 1]],
  [[1, 'a']],
  [[2]],
  [['a']],
  [[[]]],
  // BinData: length, then subtype, then bytes
  [new Binary(Buffer.from([]), 0)],
  [new Binary(Buffer.from([0xff]), 0)],
  [new Binary(Buffer.from([0x00]), 4)],
  [new Binary(Buffer.from([0x00, 0x00]), 0)],
  [new Binary(Buffer.from([0x00, 0x01]), 0)],
  [new ObjectId('000000000000000000000000')],
  [new ObjectId('5f1d7a0b2c3e4d5f6a7b8c9d')],
  [new ObjectId('ffffffffffffffffffffffff')],
  [false],
  [true],
  [new Date(-8.64e15)],
  [new Date(-1)],
  [new Date(0)],
  [new Date(1)],
  [new Date('2024-03-10T02:00:00Z')],
  [new Date(8.64e15)],
  [new Timestamp({ t: 0, i: 0 })],
  [new Timestamp({ t: 0, i: 1 })],
  [new Timestamp({ t: 1, i: 0 })],
  [new Timestamp({ t: 4294967295, i: 4294967295 })],
  [/a/, new BSONRegExp('a', '')],
  [/a/i, new BSONRegExp('a', 'i')],
  [/ab/],
  [/b/],
  [new Code('x')],
  [new Code('x', { a: 1 })],
  [new MaxKey()],
];

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v) || (typeof v === 'object' && v !== null && v.constructor === Object)) return JSON.stringify(v);
  return `${(v as { _bsontype?: string } | null)?._bsontype ?? typeof v}(${String(v)})`;
}

describe('encodeValue', () => {
  const flat = ORDERED.flatMap((group, rank) => group.map((value) => ({ value, rank })));

  it('encodes values of one group identically and distinct groups differently', () => {
    for (const group of ORDERED) {
      const keys = new Set(group.map(encodeValue));
      expect(keys.size, group.map(describeValue).join(' = ')).toBe(1);
    }
    const perGroup = new Set(ORDERED.map((g) => encodeValue(g[0])));
    expect(perGroup.size).toBe(ORDERED.length);
  });

  it('orders every pair as MongoDB does', () => {
    const failures: string[] = [];
    for (const a of flat) {
      for (const b of flat) {
        const ka = encodeValue(a.value);
        const kb = encodeValue(b.value);
        const got = Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0);
        const want = Math.sign(a.rank - b.rank);
        if (got !== want) failures.push(`${describeValue(a.value)} vs ${describeValue(b.value)}: ${got} not ${want}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('keeps the order after a round trip through BSON (promoteLongs: false)', () => {
    const values = ORDERED.map((g) => g[0]).filter((v) => v !== undefined);
    const doc = deserialize(serialize({ values }), { promoteLongs: false }) as { values: unknown[] };
    expect(doc.values.map(encodeValue)).toEqual(values.map(encodeValue));
  });

  it('uses short fixed forms for the hot types', () => {
    expect(encodeValue(1)).toBe('Ebff00000000000001');
    expect(encodeValue(-0)).toBe('E80000000000000001');
    expect(encodeValue(NaN)).toBe('E00000000000000001');
    expect(encodeValue('abc')).toBe('Gabc\u0000');
    expect(encodeValue('a\u0000')).toBe('Ga\u0001\u0001\u0000');
    expect(encodeValue(new ObjectId('5f1d7a0b2c3e4d5f6a7b8c9d'))).toBe('O5f1d7a0b2c3e4d5f6a7b8c9d');
    expect(encodeValue(true)).toBe('Q1');
    expect(encodeValue(null)).toBe('C');
  });

  it('keeps Longs beyond 2^53 exact with a tie-breaker after the double', () => {
    const a = encodeValue(long('9007199254740993'));
    const b = encodeValue(9007199254740992);
    expect(a.slice(0, 17)).toBe(b.slice(0, 17));
    expect(a > b).toBe(true);
    expect(encodeValue(long('9007199254740993'))).not.toBe(encodeValue(long('9007199254740995')));
  });
});

describe('encodeCompound', () => {
  it('sorts tuples field by field although parts have different lengths', () => {
    const tuples: unknown[][] = [
      [null, 5],
      [1, 'b'],
      [1, 'b\u0000'],
      [1, 'ba'],
      [1, 'c'],
      ['a', 0],
      ['a', 'a'],
      ['a\u0000', 0],
      ['ab', -1],
      [[1], 0],
      [[1, 2], 0],
    ];
    const keys = tuples.map(encodeCompound);
    expect([...keys].sort()).toEqual(keys);
    expect(encodeCompound([1, 'x'])).toBe(encodeValue(1) + encodeValue('x'));
  });
});

describe('compareValues', () => {
  it('agrees with the reference order', () => {
    const flat = ORDERED.flatMap((group, rank) => group.map((value) => ({ value, rank })));
    for (const a of flat) {
      for (const b of flat) {
        expect(Math.sign(compareValues(a.value, b.value)), `${describeValue(a.value)} vs ${describeValue(b.value)}`).toBe(
          Math.sign(a.rank - b.rank),
        );
      }
    }
  });

  it.each([
    [1, 2, -1],
    [2, 1, 1],
    [NaN, -Infinity, -1],
    [-Infinity, NaN, 1],
    [NaN, NaN, 0],
    [0, -0, 0],
    ['b', 'a', 1],
    ['a', 'a', 0],
    [null, undefined, 0],
    [5, 'a', -1],
    [{ a: 1 }, [1], -1],
  ])('compareValues(%j, %j) = %d', (a, b, want) => {
    expect(compareValues(a, b)).toBe(want);
  });
});

describe('recordIdOf', () => {
  it('gives the same id for numerically equal _ids', () => {
    expect(recordIdOf(1)).toBe(recordIdOf(long('1')));
    expect(recordIdOf(new ObjectId('5f1d7a0b2c3e4d5f6a7b8c9d'))).toBe('O5f1d7a0b2c3e4d5f6a7b8c9d');
  });
});

describe('typeBracketBounds', () => {
  it.each([[5], ['x'], [new ObjectId()], [new Date()], [true], [null], [{ a: 1 }], [[1]]])(
    'brackets every value of the type of %j',
    (v) => {
      const { min, max } = typeBracketBounds(v);
      const key = encodeValue(v);
      expect(min < key && key < max).toBe(true);
      expect(keyPrefixEnd(min) <= key && key < max).toBe(true);
    },
  );

  it('separates numbers from neighbouring types', () => {
    const { min, max } = typeBracketBounds(5);
    for (const v of [-Infinity, NaN, Infinity, dec('1E+400'), long('-9223372036854775808')]) {
      const k = encodeValue(v);
      expect(min < k && k < max).toBe(true);
    }
    for (const v of [null, '', new MinKey(), {}, new Date(0)]) {
      const k = encodeValue(v);
      expect(min < k && k < max).toBe(false);
    }
  });
});
