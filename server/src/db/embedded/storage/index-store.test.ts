import { Long, ObjectId, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { MongoCommandError } from '../errors.js';
import { IndexStore, type IndexSpec } from './index-store.js';
import { encodeCompound, encodeValue, recordIdOf } from './key-encoding.js';

function store(key: Record<string, number | string>, options: Partial<IndexSpec> = {}): IndexStore {
  return new IndexStore({ v: 2, key, name: Object.keys(key).join('_'), ...options });
}

function load(index: IndexStore, docs: Document[]): void {
  for (const doc of docs) index.add(doc, recordIdOf(doc._id));
}

const rid = recordIdOf;

describe('IndexStore.keysOf', () => {
  it.each<[string, Record<string, number>, Document, unknown[][]]>([
    ['a scalar', { a: 1 }, { a: 5 }, [[5]]],
    ['a missing field as null', { a: 1 }, { b: 1 }, [[null]]],
    ['null as null', { a: 1 }, { a: null }, [[null]]],
    ['an array element-wise', { a: 1 }, { a: [3, 1, 3] }, [[1], [3]]],
    ['an empty array as null', { a: 1 }, { a: [] }, [[null]]],
    ['a nested array as one value', { a: 1 }, { a: [[1, 2], 3] }, [[[1, 2]], [3]]],
    ['a dotted path', { 'a.b': 1 }, { a: { b: 'x' } }, [['x']]],
    ['a dotted path through an array of subdocuments', { 'a.b': 1 }, { a: [{ b: 1 }, { b: [2, 3] }, { c: 4 }] }, [[1], [2], [3]]],
    ['a dotted path through scalars as null', { 'a.b': 1 }, { a: [1, 2] }, [[null]]],
    ['a positional path', { 'a.1': 1 }, { a: [7, 8] }, [[8]]],
    ['a compound key', { a: 1, b: -1 }, { a: 1, b: 'x' }, [[1, 'x']]],
    ['a compound key with one array', { a: 1, b: 1 }, { a: [1, 2], b: 'x' }, [[1, 'x'], [2, 'x']]],
    ['arrays sharing a prefix', { 'a.x': 1, 'a.y': 1 }, { a: [{ x: 1, y: 2 }, { x: 3, y: 4 }] }, [[1, 2], [1, 4], [3, 2], [3, 4]]],
    ['equal numbers once', { a: 1 }, { a: [1, 1.0, Long.fromNumber(1)] }, [[1]]],
  ])('indexes %s', (_name, key, doc, tuples) => {
    const keys = store(key).keysOf(doc);
    expect([...keys].sort()).toEqual(tuples.map((t) => encodeCompound(t)).sort());
  });

  it('refuses parallel arrays with MongoDB code 171', () => {
    const index = store({ a: 1, b: 1 });
    let err: unknown;
    try {
      index.keysOf({ a: [1], b: [2] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MongoCommandError);
    expect((err as MongoCommandError).code).toBe(171);
    expect((err as MongoCommandError).codeName).toBe('CannotIndexParallelArrays');
    expect((err as MongoCommandError).message).toBe('cannot index parallel arrays [b] [a]');
  });

  it('leaves out documents missing every field of a sparse index, but not nulls', () => {
    const index = store({ a: 1, b: 1 }, { sparse: true });
    expect(index.keysOf({ c: 1 })).toEqual([]);
    expect(index.keysOf({ a: null })).toEqual([encodeCompound([null, null])]);
    expect(index.keysOf({ b: 2 })).toEqual([encodeCompound([null, 2])]);
  });

  it('leaves out documents outside a partial filter', () => {
    const index = store({ email: 1 }, { partialFilterExpression: { deleted: { $ne: true } } });
    expect(index.keysOf({ email: 'a@b', deleted: true })).toEqual([]);
    expect(index.keysOf({ email: 'a@b' })).toEqual([encodeValue('a@b')]);
  });

  it.each([
    [{ body: 'text' }, 'text indexes'],
    [{ h: 'hashed' }, 'hashed indexes'],
    [{ loc: '2dsphere' }, '2dsphere indexes'],
    [{ '$**': 1 }, 'wildcard indexes'],
  ])('refuses %j with NotImplemented', (key, feature) => {
    expect(() => store(key)).toThrowError(new RegExp(`^${feature} is not supported`));
    try {
      store(key);
    } catch (e) {
      expect((e as MongoCommandError).code).toBe(238);
    }
  });
});

it('refuses a locale collation but accepts the simple one', () => {
  expect(() => store({ name: 1 }, { collation: { locale: 'zh', strength: 2 } })).toThrowError(/^collation on an index is not supported/);
  expect(store({ name: 1 }, { collation: { locale: 'simple' } }).fields).toEqual(['name']);
});

describe('IndexStore add/remove/scan', () => {
  const docs = [
    { _id: 1, age: 30, name: 'b' },
    { _id: 2, age: 20, name: 'a' },
    { _id: 3, age: 30, name: 'a' },
    { _id: 4, name: 'c' },
    { _id: 5, age: 'thirty' },
    { _id: 6, age: 25.5 },
  ];

  it('scans equal keys by prefix, in insertion order', () => {
    const index = store({ age: 1 });
    load(index, docs);
    expect([...index.scanPrefix(encodeValue(30))]).toEqual([rid(1), rid(3)]);
    expect([...index.scanPrefix(encodeValue(null))]).toEqual([rid(4)]);
    expect([...index.scanPrefix(encodeValue(31))]).toEqual([]);
    expect([...index.scanKey(encodeValue(30))]).toEqual([rid(1), rid(3)]);
    expect([...index.scanKey(encodeValue(31))]).toEqual([]);
    expect(index.size).toBe(6);
  });

  it.each<[string, Parameters<IndexStore['scan']>[0], number[]]>([
    ['everything', {}, [4, 2, 6, 1, 3, 5]],
    ['[20, 30]', { lower: { key: encodeValue(20), inclusive: true }, upper: { key: encodeValue(30), inclusive: true } }, [2, 6, 1, 3]],
    ['(20, 30)', { lower: { key: encodeValue(20), inclusive: false }, upper: { key: encodeValue(30), inclusive: false } }, [6]],
    ['(25.5, ∞)', { lower: { key: encodeValue(25.5), inclusive: false } }, [1, 3, 5]],
    ['(-∞, 20]', { upper: { key: encodeValue(20), inclusive: true } }, [4, 2]],
  ])('scans %s in key order', (_name, bounds, ids) => {
    const index = store({ age: 1 });
    load(index, docs);
    expect([...index.scan(bounds)]).toEqual(ids.map(rid));
  });

  it('scans a compound prefix', () => {
    const index = store({ name: 1, age: 1 });
    load(index, docs);
    expect([...index.scanPrefix(encodeValue('a'))]).toEqual([rid(2), rid(3)]);
    expect([...index.scanPrefix(encodeCompound(['a', 30]))]).toEqual([rid(3)]);
  });

  it('removes exactly the entries a document made', () => {
    const index = store({ tags: 1 });
    const doc = { _id: new ObjectId('5f1d7a0b2c3e4d5f6a7b8c9d'), tags: ['x', 'y'] };
    index.add(doc, rid(doc._id));
    index.add({ _id: 2, tags: 'x' }, rid(2));
    expect(index.size).toBe(3);
    expect(index.multikey).toBe(true);
    index.remove(doc, rid(doc._id));
    expect(index.size).toBe(1);
    expect([...index.scanPrefix(encodeValue('x'))]).toEqual([rid(2)]);
    expect(index.multikey).toBe(true); // as in MongoDB, multikey-ness stays
    index.clear();
    expect(index.size).toBe(0);
    expect(index.multikey).toBe(false);
  });

  it('keeps counts and holders right as documents sharing a key come and go', () => {
    const index = store({ status: 1 });
    const docs = [1, 2, 3].map((id) => ({ _id: id, status: 'open' }));
    load(index, docs);
    index.add(docs[0]!, rid(1)); // adding the same entry again changes nothing
    expect(index.size).toBe(3);
    index.remove(docs[1]!, rid(2));
    expect([...index.scanKey(encodeValue('open'))]).toEqual([rid(1), rid(3)]);
    index.remove(docs[0]!, rid(1));
    expect([...index.scanKey(encodeValue('open'))]).toEqual([rid(3)]);
    expect([...index.scan({})]).toEqual([rid(3)]);
    index.remove(docs[2]!, rid(3));
    index.remove(docs[2]!, rid(3)); // removing twice is harmless
    expect(index.size).toBe(0);
    expect([...index.scan({})]).toEqual([]);
  });

  it('returns each multikey document once per scan', () => {
    const index = store({ n: 1 });
    index.add({ _id: 1, n: [1, 2, 3] }, rid(1));
    index.add({ _id: 2, n: [2] }, rid(2));
    expect([...index.scan({ lower: { key: encodeValue(1), inclusive: true } })]).toEqual([rid(1), rid(2)]);
  });
});

describe('IndexStore.findDuplicate', () => {
  it('reports the holder of a key with MongoDB keyValue', () => {
    const index = store({ email: 1 }, { unique: true });
    index.add({ _id: 1, email: 'a@b' }, rid(1));
    expect(index.findDuplicate({ _id: 2, email: 'a@b' }, rid(2))).toEqual({ rid: rid(1), keyValue: { email: 'a@b' } });
    expect(index.findDuplicate({ _id: 1, email: 'a@b' }, rid(1))).toBeNull(); // replacing itself
    expect(index.findDuplicate({ _id: 2, email: 'c@d' }, rid(2))).toBeNull();
  });

  it('treats missing fields as null, so two documents without the field clash', () => {
    const index = store({ email: 1 }, { unique: true });
    index.add({ _id: 1 }, rid(1));
    expect(index.findDuplicate({ _id: 2, email: null }, rid(2))).toEqual({ rid: rid(1), keyValue: { email: null } });
  });

  it('lets a sparse or partial unique index hold many documents without the key', () => {
    const sparse = store({ email: 1 }, { unique: true, sparse: true });
    sparse.add({ _id: 1 }, rid(1));
    expect(sparse.findDuplicate({ _id: 2 }, rid(2))).toBeNull();
    const partial = store({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } });
    partial.add({ _id: 1 }, rid(1));
    expect(partial.findDuplicate({ _id: 2 }, rid(2))).toBeNull();
  });

  it('finds compound and multikey duplicates, with numerically equal values', () => {
    const index = store({ org: 1, code: 1 }, { unique: true });
    index.add({ _id: 1, org: 'x', code: [1, 2] }, rid(1));
    expect(index.findDuplicate({ _id: 2, org: 'x', code: Long.fromNumber(2) }, rid(2))).toEqual({
      rid: rid(1),
      keyValue: { org: 'x', code: Long.fromNumber(2) },
    });
    expect(index.findDuplicate({ _id: 2, org: 'y', code: 2 }, rid(2))).toBeNull();
  });
});

describe('IndexStore at scale', () => {
  it('loads 100k documents and still answers equality reads', () => {
    const index = store({ n: 1 });
    for (let i = 0; i < 100_000; i++) index.add({ _id: i, n: i % 1000 }, rid(i));
    expect(index.size).toBe(100_000);
    expect([...index.scanPrefix(encodeValue(7))].length).toBe(100);
  });
});
