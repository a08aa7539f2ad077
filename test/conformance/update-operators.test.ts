import { Decimal128, Double, Int32, Long, Timestamp, type Document, type UpdateOptions } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useConformanceDb, type TestDocument } from '../support/mongo.js';

const t = useConformanceDb('update_ops');

function freshCollection() {
  return t.freshCollection('u');
}

/** Stores `doc`, applies `update` to it with updateOne, and returns what MongoDB then holds. */
async function applyUpdate(doc: TestDocument, update: Document | Document[], options: UpdateOptions = {}) {
  const coll = freshCollection();
  await coll.insertOne(doc);
  await coll.updateOne({ _id: doc._id }, update, options);
  return coll.findOne({ _id: doc._id });
}

/** Like applyUpdate, but reads back with BSON wrapper types so int, long and double differ. */
async function applyUpdateTyped(doc: TestDocument, update: Document) {
  const coll = freshCollection();
  await coll.insertOne(doc);
  await coll.updateOne({ _id: doc._id }, update);
  return coll.findOne({ _id: doc._id }, { promoteValues: false });
}

describe('field operators', () => {
  it('$set replaces values and creates missing nested documents', async () => {
    expect(await applyUpdate({ _id: 1, a: 1, b: { keep: true } }, { $set: { a: 5, 'b.c.d': 2, 'e.f': 'x' } })).toEqual({
      _id: 1,
      a: 5,
      b: { keep: true, c: { d: 2 } },
      e: { f: 'x' },
    });
  });

  it('$set on an array index replaces it, and past the end pads with nulls', async () => {
    expect(await applyUpdate({ _id: 1, arr: [1, 2, 3] }, { $set: { 'arr.1': 20 } })).toEqual({ _id: 1, arr: [1, 20, 3] });
    expect(await applyUpdate({ _id: 1, arr: [1, 2, 3] }, { $set: { 'arr.5': 6 } })).toEqual({ _id: 1, arr: [1, 2, 3, null, null, 6] });
  });

  it('adds new fields in lexicographic order of their paths, after the existing ones', async () => {
    const doc = await applyUpdate({ _id: 1, z: 1, m: 2 }, { $set: { y: 1, b: 2 }, $inc: { a: 1 } });
    expect(Object.keys(doc!)).toEqual(['_id', 'z', 'm', 'a', 'b', 'y']);
  });

  it('$unset removes fields, and nulls out array elements rather than shifting them', async () => {
    expect(await applyUpdate({ _id: 1, a: 1, b: { c: 1, d: 2 }, arr: [1, 2, 3] }, { $unset: { a: '', 'b.c': 1, 'arr.0': true, missing: '' } })).toEqual({
      _id: 1,
      b: { d: 2 },
      arr: [null, 2, 3],
    });
  });

  it('$inc adds, creates a missing field, and reaches into nested documents and array elements', async () => {
    expect(await applyUpdate({ _id: 1, n: 5, s: { v: 1 }, arr: [1, 2] }, { $inc: { n: -2, 's.v': 10, 'arr.1': 5, fresh: 3 } })).toEqual({
      _id: 1,
      n: 3,
      s: { v: 11 },
      arr: [1, 7],
      fresh: 3,
    });
  });

  it('$mul multiplies, and sets a missing field to zero', async () => {
    expect(await applyUpdate({ _id: 1, price: 10, qty: 3 }, { $mul: { price: 1.5, qty: 2, missing: 7 } })).toEqual({
      _id: 1,
      price: 15,
      qty: 6,
      missing: 0,
    });
  });

  it('$min and $max only move a value in their direction, and set missing fields', async () => {
    expect(
      await applyUpdate(
        { _id: 1, low: 5, high: 5, lowKeep: 1, highKeep: 9, at: new Date('2024-01-01T00:00:00Z') },
        { $min: { low: 3, lowKeep: 4, minNew: 8 }, $max: { high: 7, highKeep: 2, at: new Date('2024-06-01T00:00:00Z') } },
      ),
    ).toEqual({ _id: 1, low: 3, high: 7, lowKeep: 1, highKeep: 9, minNew: 8, at: new Date('2024-06-01T00:00:00Z') });
  });

  it('$rename moves fields, including into and out of nested documents, and ignores missing ones', async () => {
    expect(await applyUpdate({ _id: 1, a: 1, b: { c: 2 }, d: 'old' }, { $rename: { a: 'x.y', 'b.c': 'top', e: 'never', d: 'dd' } })).toEqual({
      _id: 1,
      b: {},
      x: { y: 1 },
      top: 2,
      dd: 'old',
    });
  });

  it('$rename onto an existing field overwrites it', async () => {
    expect(await applyUpdate({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'b' } })).toEqual({ _id: 1, b: 1 });
  });

  it('$currentDate sets a Date, or a Timestamp when asked', async () => {
    const before = Date.now();
    const doc = await applyUpdate({ _id: 1 }, { $currentDate: { at: true, d: { $type: 'date' }, ts: { $type: 'timestamp' } } });
    expect(doc!.at).toBeInstanceOf(Date);
    expect(doc!.d).toBeInstanceOf(Date);
    expect(doc!.ts).toBeInstanceOf(Timestamp);
    expect(doc!.at.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(doc!.at.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(Math.abs(doc!.ts.getHighBits() * 1000 - before)).toBeLessThan(10_000);
  });

  it('$setOnInsert applies only when an upsert inserts', async () => {
    const coll = freshCollection();
    await coll.updateOne({ _id: 1 }, { $set: { name: 'Ann' }, $setOnInsert: { createdBy: 'upsert' } }, { upsert: true });
    await coll.updateOne({ _id: 1 }, { $set: { name: 'Ann Li' }, $setOnInsert: { createdBy: 'second' } }, { upsert: true });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'Ann Li', createdBy: 'upsert' });
  });

  it('an upsert puts the filter equality fields first, then the updated fields in path order', async () => {
    const coll = freshCollection();
    const update: Document = { $set: { d: 4, b: 2 }, $inc: { a: 1 }, $push: { e: 5 }, $setOnInsert: { c: 3 } };
    await coll.updateOne({ _id: 1, y: 3, x: 2 }, update, { upsert: true });
    const doc = await coll.findOne({ _id: 1 });
    expect(doc).toEqual({ _id: 1, y: 3, x: 2, a: 1, b: 2, c: 3, d: 4, e: [5] });
    expect(Object.keys(doc!)).toEqual(['_id', 'y', 'x', 'a', 'b', 'c', 'd', 'e']);
  });
});

describe('array operators', () => {
  it('$push appends, and creates the array when missing', async () => {
    expect(await applyUpdate({ _id: 1, tags: ['a'] }, { $push: { tags: 'b', fresh: { x: 1 } } })).toEqual({
      _id: 1,
      tags: ['a', 'b'],
      fresh: [{ x: 1 }],
    });
    expect(await applyUpdate({ _id: 1, tags: ['a'] }, { $push: { tags: ['b', 'c'] } })).toEqual({ _id: 1, tags: ['a', ['b', 'c']] });
  });

  it('$push $each with $sort and $slice keeps the top of the sorted list', async () => {
    expect(await applyUpdate({ _id: 1, scores: [5, 8] }, { $push: { scores: { $each: [3, 9, 1], $sort: -1, $slice: 3 } } })).toEqual({
      _id: 1,
      scores: [9, 8, 5],
    });
    expect(await applyUpdate({ _id: 1, scores: [5, 8] }, { $push: { scores: { $each: [3, 9, 1], $slice: -2 } } })).toEqual({
      _id: 1,
      scores: [9, 1],
    });
    expect(await applyUpdate({ _id: 1, scores: [5, 8] }, { $push: { scores: { $each: [3], $slice: 0 } } })).toEqual({ _id: 1, scores: [] });
  });

  it('$push $each with $position inserts at the given index', async () => {
    expect(await applyUpdate({ _id: 1, arr: [1, 4] }, { $push: { arr: { $each: [2, 3], $position: 1 } } })).toEqual({ _id: 1, arr: [1, 2, 3, 4] });
    expect(await applyUpdate({ _id: 1, arr: [1, 4] }, { $push: { arr: { $each: [0], $position: 0 } } })).toEqual({ _id: 1, arr: [0, 1, 4] });
    expect(await applyUpdate({ _id: 1, arr: [1, 4] }, { $push: { arr: { $each: [3], $position: -1 } } })).toEqual({ _id: 1, arr: [1, 3, 4] });
  });

  it('$push $each $sort orders embedded documents by a field', async () => {
    expect(
      await applyUpdate(
        { _id: 1, visits: [{ day: 3 }, { day: 1 }] },
        { $push: { visits: { $each: [{ day: 2 }, { day: 5 }], $sort: { day: 1 }, $slice: -3 } } },
      ),
    ).toEqual({ _id: 1, visits: [{ day: 2 }, { day: 3 }, { day: 5 }] });
  });

  it('$addToSet adds only values not already present (documents compare field by field, in order)', async () => {
    expect(
      await applyUpdate(
        { _id: 1, tags: ['a', 'b'], docs: [{ x: 1, y: 2 }] },
        { $addToSet: { tags: { $each: ['b', 'c', 'c'] }, docs: { y: 2, x: 1 }, fresh: 'z' } },
      ),
    ).toEqual({ _id: 1, tags: ['a', 'b', 'c'], docs: [{ x: 1, y: 2 }, { y: 2, x: 1 }], fresh: ['z'] });
    expect(await applyUpdate({ _id: 1, docs: [{ x: 1, y: 2 }] }, { $addToSet: { docs: { x: 1, y: 2 } } })).toEqual({
      _id: 1,
      docs: [{ x: 1, y: 2 }],
    });
  });

  it('$pull removes every element equal to a value or matching a condition', async () => {
    expect(await applyUpdate({ _id: 1, scores: [1, 6, 3, 8, 6] }, { $pull: { scores: { $gte: 6 } } })).toEqual({ _id: 1, scores: [1, 3] });
    expect(await applyUpdate({ _id: 1, tags: ['a', 'b', 'a'] }, { $pull: { tags: 'a' } })).toEqual({ _id: 1, tags: ['b'] });
    expect(await applyUpdate({ _id: 1, tags: ['a', 'b', 'c'] }, { $pull: { tags: { $in: ['a', 'c'] } } })).toEqual({ _id: 1, tags: ['b'] });
    expect(
      await applyUpdate(
        { _id: 1, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }, { sku: 'c', qty: 0 }] },
        { $pull: { items: { qty: { $lt: 2 } } } },
      ),
    ).toEqual({ _id: 1, items: [{ sku: 'b', qty: 5 }] });
    // A document condition is a query on each element, so extra fields in the element do not matter.
    expect(await applyUpdate({ _id: 1, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }] }, { $pull: { items: { sku: 'a' } } })).toEqual({
      _id: 1,
      items: [{ sku: 'b', qty: 5 }],
    });
  });

  it('$pullAll removes every listed value', async () => {
    expect(await applyUpdate({ _id: 1, scores: [0, 2, 5, 5, 1, 0] }, { $pullAll: { scores: [0, 5] } })).toEqual({ _id: 1, scores: [2, 1] });
  });

  it('$pop removes the last element with 1 and the first with -1', async () => {
    expect(await applyUpdate({ _id: 1, a: [1, 2, 3], b: [1, 2, 3], c: [] }, { $pop: { a: 1, b: -1, c: 1 } })).toEqual({
      _id: 1,
      a: [1, 2],
      b: [2, 3],
      c: [],
    });
  });

  it('the positional $ updates the first element the query matched', async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { _id: 1, grades: [80, 85, 90, 85] },
      { _id: 2, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] },
    ]);
    await coll.updateOne({ _id: 1, grades: 85 }, { $set: { 'grades.$': 86 } });
    await coll.updateOne({ _id: 2, 'items.sku': 'b' }, { $inc: { 'items.$.qty': 10 } });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, grades: [80, 86, 90, 85] },
      { _id: 2, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 12 }] },
    ]);
  });

  it('$[] updates every element, $[id] the elements its arrayFilter selects', async () => {
    expect(await applyUpdate({ _id: 1, grades: [1, 2, 3], items: [{ q: 1 }, { q: 2 }] }, { $inc: { 'grades.$[]': 10, 'items.$[].q': 1 } })).toEqual({
      _id: 1,
      grades: [11, 12, 13],
      items: [{ q: 2 }, { q: 3 }],
    });
    expect(await applyUpdate({ _id: 1, grades: [95, 102, 90, 110] }, { $set: { 'grades.$[over]': 100 } }, { arrayFilters: [{ over: { $gt: 100 } }] })).toEqual({
      _id: 1,
      grades: [95, 100, 90, 100],
    });
    expect(
      await applyUpdate(
        { _id: 1, wards: [{ beds: [{ n: 1, free: true }, { n: 2, free: false }] }, { beds: [{ n: 3, free: true }] }] },
        { $set: { 'wards.$[].beds.$[bed].free': false } },
        { arrayFilters: [{ 'bed.n': { $in: [1, 3] } }] },
      ),
    ).toEqual({ _id: 1, wards: [{ beds: [{ n: 1, free: false }, { n: 2, free: false }] }, { beds: [{ n: 3, free: false }] }] });
  });
});

describe('pipeline updates', () => {
  it('computes new fields from existing ones with an aggregation pipeline', async () => {
    expect(
      await applyUpdate({ _id: 1, a: 2, b: 3, old: true }, [{ $set: { total: { $add: ['$a', '$b'] }, label: { $concat: ['n', 'o'] } } }, { $unset: 'old' }]),
    ).toEqual({ _id: 1, a: 2, b: 3, total: 5, label: 'no' });
  });
});

describe('numeric types', () => {
  it('keeps int32 as int32 under $inc and $mul by int32', async () => {
    expect(await applyUpdateTyped({ _id: 1, n: 5, m: 3 }, { $inc: { n: 1 }, $mul: { m: 2 } })).toStrictEqual({
      _id: new Int32(1),
      n: new Int32(6),
      m: new Int32(6),
    });
  });

  it('widens int32 to int64 when the sum overflows, and when mixed with int64', async () => {
    expect(await applyUpdateTyped({ _id: 1, n: 2147483647, k: 1 }, { $inc: { n: 1, k: Long.fromNumber(2) } })).toStrictEqual({
      _id: new Int32(1),
      n: Long.fromNumber(2147483648),
      k: Long.fromNumber(3),
    });
  });

  it('widens to double when a double is involved', async () => {
    expect(await applyUpdateTyped({ _id: 1, n: 1, m: 4, l: Long.fromNumber(10) }, { $inc: { n: 0.5, l: new Double(1) }, $mul: { m: new Double(1) } })).toStrictEqual({
      _id: new Int32(1),
      n: new Double(1.5),
      m: new Double(4),
      l: new Double(11),
    });
  });

  it('is queryable by $type after updates', async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 2147483647 },
      { _id: 3, v: 1.5 },
      { _id: 4, v: Long.fromNumber(7) },
      { _id: 5, v: 'x' },
    ]);
    await coll.updateOne({ _id: 2 }, { $inc: { v: 1 } });
    await coll.updateOne({ _id: 1 }, { $mul: { v: new Double(2) } });
    const ids = async (type: string | string[]) => (await coll.find({ v: { $type: type } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids('int')).toEqual([]);
    expect(await ids('long')).toEqual([2, 4]);
    expect(await ids('double')).toEqual([1, 3]);
    expect(await ids('number')).toEqual([1, 2, 3, 4]);
    expect(await ids(['string', 'long'])).toEqual([2, 4, 5]);
    const long = await coll.findOne({ _id: 2 }, { promoteLongs: false });
    expect(long!.v).toStrictEqual(Long.fromNumber(2147483648));
  });

  it('treats numbers of different types as equal in queries', async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { _id: 1, v: 5 },
      { _id: 2, v: Long.fromNumber(5) },
      { _id: 3, v: new Double(5) },
      { _id: 4, v: 6 },
    ]);
    expect((await coll.find({ v: 5 }).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
    expect((await coll.find({ v: Long.fromNumber(5) }).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
  });
});

describe('numeric order and decimals', () => {
  it('sorts int, long, double and decimal values by numeric value', async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { _id: 'int', v: 2 },
      { _id: 'long', v: Long.fromNumber(1) },
      { _id: 'double', v: 1.5 },
      { _id: 'decimal', v: Decimal128.fromString('1.25') },
      { _id: 'negative', v: -3 },
    ]);
    expect((await coll.find().sort({ v: 1 }).toArray()).map((d) => d._id)).toEqual(['negative', 'long', 'decimal', 'double', 'int']);
    expect((await coll.find({ v: { $gt: 1.2, $lt: 2 } }).sort({ v: 1 }).toArray()).map((d) => d._id)).toEqual(['decimal', 'double']);
  });

  it('$inc on a Decimal128 stays exact and stays Decimal128', async () => {
    const doc = await applyUpdate({ _id: 1, amount: Decimal128.fromString('0.1') }, { $inc: { amount: Decimal128.fromString('0.2') } });
    expect(doc!.amount).toBeInstanceOf(Decimal128);
    expect(doc!.amount.toString()).toBe('0.3');
    const mixed = await applyUpdate({ _id: 1, amount: Decimal128.fromString('1.1') }, { $inc: { amount: 1 } });
    expect(mixed!.amount.toString()).toBe('2.1');
  });
});

describe('results of updates', () => {
  it('reports modifiedCount 0 when the operators change nothing', async () => {
    const coll = freshCollection();
    await coll.insertOne({ _id: 1, a: 1, low: 2, tags: ['x'] });
    const noop = await coll.updateOne({ _id: 1 }, { $set: { a: 1 }, $addToSet: { tags: 'x' }, $unset: { missing: '' }, $min: { low: 5 } });
    expect(noop).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 0, upsertedCount: 0, upsertedId: null });
  });
});
