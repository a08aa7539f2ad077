import {
  MongoBulkWriteError,
  MongoClient,
  Long,
  MongoServerError,
  MongoWriteConcernError,
  ObjectId,
  type CommandStartedEvent,
  type Document,
} from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useConformanceDb, type TestDocument } from '../support/mongo.js';

interface Patient {
  _id: number;
  name: string;
  age: number;
  city: string;
  tags?: string[];
  address?: { city: string; zip: string };
}

const patients: Patient[] = [
  { _id: 1, name: 'Ann', age: 34, city: 'Shanghai', tags: ['vip', 'diabetes'], address: { city: 'Shanghai', zip: '200000' } },
  { _id: 2, name: 'Bo', age: 27, city: 'Beijing', tags: ['new'] },
  { _id: 3, name: 'Chen', age: 45, city: 'Shanghai', tags: [] },
  { _id: 4, name: 'Dai', age: 62, city: 'Hangzhou', tags: ['vip'], address: { city: 'Hangzhou', zip: '310000' } },
  { _id: 5, name: 'Fang', age: 27, city: 'Beijing' },
];

const t = useConformanceDb('crud', { clientOptions: { monitorCommands: true } });
const started: CommandStartedEvent[] = [];

async function seededPatients() {
  const coll = t.freshCollection('patients');
  await coll.insertMany(patients.map((p) => structuredClone(p)));
  return coll;
}

function commandsNamed(name: string, collection: string): CommandStartedEvent[] {
  return started.filter((e) => e.commandName === name && (e.command[name] === collection || e.command.collection === collection));
}

beforeAll(() => {
  t.client.on('commandStarted', (event) => started.push(event));
});

describe('insert', () => {
  it('insertOne returns the acknowledged id and stores the document as given', async () => {
    const coll = t.freshCollection('insert_one');
    const doc = { name: 'Ann', visits: [1, 2], nested: { ok: true, at: new Date('2024-03-01T08:00:00Z') } };
    const result = await coll.insertOne(doc);
    expect(result).toEqual({ acknowledged: true, insertedId: expect.any(ObjectId) });
    expect(await coll.findOne({ _id: result.insertedId })).toEqual({
      _id: result.insertedId,
      name: 'Ann',
      visits: [1, 2],
      nested: { ok: true, at: new Date('2024-03-01T08:00:00Z') },
    });
  });

  it('insertMany reports the count and the ids by position', async () => {
    const coll = t.freshCollection('insert_many');
    const result = await coll.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }]);
    expect(result).toEqual({ acknowledged: true, insertedCount: 3, insertedIds: { 0: 'a', 1: 'b', 2: 'c' } });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }]);
  });
});

describe('find', () => {
  it('filters with equality, comparison, logical and array operators', async () => {
    const coll = await seededPatients();
    const ids = async (filter: Document) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((p) => p._id);

    expect(await ids({ city: 'Shanghai' })).toEqual([1, 3]);
    expect(await ids({ age: { $gte: 34, $lt: 62 } })).toEqual([1, 3]);
    expect(await ids({ city: { $in: ['Beijing', 'Hangzhou'] } })).toEqual([2, 4, 5]);
    expect(await ids({ city: { $nin: ['Beijing', 'Hangzhou'] } })).toEqual([1, 3]);
    expect(await ids({ age: { $ne: 27 } })).toEqual([1, 3, 4]);
    expect(await ids({ $or: [{ age: 27 }, { city: 'Hangzhou' }] })).toEqual([2, 4, 5]);
    expect(await ids({ $and: [{ age: { $gt: 30 } }, { city: 'Shanghai' }] })).toEqual([1, 3]);
    expect(await ids({ age: { $not: { $gt: 30 } } })).toEqual([2, 5]);
    expect(await ids({ $nor: [{ city: 'Shanghai' }, { age: 27 }] })).toEqual([4]);
    expect(await ids({ tags: 'vip' })).toEqual([1, 4]);
    expect(await ids({ tags: { $all: ['vip', 'diabetes'] } })).toEqual([1]);
    expect(await ids({ tags: { $size: 0 } })).toEqual([3]);
    expect(await ids({ tags: { $exists: false } })).toEqual([5]);
    expect(await ids({ tags: null })).toEqual([5]);
    expect(await ids({ 'address.city': 'Hangzhou' })).toEqual([4]);
    expect(await ids({ address: { city: 'Hangzhou', zip: '310000' } })).toEqual([4]);
    expect(await ids({ address: { zip: '310000', city: 'Hangzhou' } })).toEqual([]);
    expect(await ids({ name: { $regex: '^[A-C]' } })).toEqual([1, 2, 3]);
    expect(await ids({ name: /an/i })).toEqual([1, 5]);
    expect(await ids({ $expr: { $gt: ['$age', 40] } })).toEqual([3, 4]);
    expect(await ids({ age: { $type: 'int' } })).toEqual([1, 2, 3, 4, 5]);
    expect(await ids({ 'tags.0': 'vip' })).toEqual([1, 4]);
    expect(await ids({ name: { $in: [/^A/, 'Bo'] } })).toEqual([1, 2]);
    expect(await ids({ age: { $mod: [9, 0] } })).toEqual([2, 3, 5]);
  });

  it('matches arrays of subdocuments with $elemMatch and dotted paths', async () => {
    const coll = t.freshCollection('elem_match');
    await coll.insertMany([
      { _id: 1, results: [{ test: 'hba1c', value: 7.2 }, { test: 'ldl', value: 2.1 }] },
      { _id: 2, results: [{ test: 'hba1c', value: 5.4 }, { test: 'ldl', value: 3.9 }] },
    ]);
    const ids = async (filter: Document) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((p) => p._id);

    expect(await ids({ results: { $elemMatch: { test: 'hba1c', value: { $gt: 6.5 } } } })).toEqual([1]);
    // Without $elemMatch each condition may be met by a different element.
    expect(await ids({ 'results.test': 'hba1c', 'results.value': { $gt: 3 } })).toEqual([1, 2]);
    expect(await ids({ 'results.1.test': 'ldl', 'results.1.value': { $gt: 3 } })).toEqual([2]);

    // Projections reach into arrays of subdocuments too.
    expect(await coll.find({ _id: 1 }, { projection: { 'results.test': 1, _id: 0 } }).toArray()).toEqual([
      { results: [{ test: 'hba1c' }, { test: 'ldl' }] },
    ]);
    expect(await coll.find({ _id: 2 }, { projection: { results: { $elemMatch: { value: { $gt: 3 } } } } }).toArray()).toEqual([
      { _id: 2, results: [{ test: 'hba1c', value: 5.4 }] },
    ]);
  });

  it('compares only within a type bracket, and treats null as matching missing', async () => {
    const coll = t.freshCollection('brackets');
    await coll.insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 5 },
      { _id: 3, v: 10 },
      { _id: 4, v: 'a' },
      { _id: 5, v: '5' },
      { _id: 6, v: new Date('2024-01-01T00:00:00Z') },
      { _id: 7, v: null },
      { _id: 8 },
      { _id: 9, v: [2, 20] },
    ]);
    const ids = async (filter: Document) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);

    expect(await ids({ v: { $gt: 4 } })).toEqual([2, 3, 9]);
    expect(await ids({ v: { $lt: 'b' } })).toEqual([4, 5]);
    expect(await ids({ v: { $gt: new Date('2023-01-01T00:00:00Z') } })).toEqual([6]);
    expect(await ids({ v: { $ne: null } })).toEqual([1, 2, 3, 4, 5, 6, 9]);
    expect(await ids({ v: { $in: [null, 'a'] } })).toEqual([4, 7, 8]);
    expect(await ids({ v: { $exists: true } })).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
    expect(await ids({ v: { $type: 'null' } })).toEqual([7]);
    // On an array, each condition may be met by a different element…
    expect(await ids({ v: { $gt: 3, $lt: 8 } })).toEqual([2, 9]);
    // …unless $elemMatch asks for one element meeting all of them.
    expect(await ids({ v: { $elemMatch: { $gt: 3, $lt: 8 } } })).toEqual([]);
    expect(await ids({ v: 20 })).toEqual([9]);
    expect(await ids({ v: [2, 20] })).toEqual([9]);
    expect(await ids({ v: [20, 2] })).toEqual([]);
    expect(await ids({ v: { $size: 2 } })).toEqual([9]);
  });

  it('sorts arrays by their smallest element ascending and their largest descending', async () => {
    const coll = t.freshCollection('array_sort');
    await coll.insertMany([
      { _id: 1, s: [1, 9] },
      { _id: 2, s: [5] },
      { _id: 3, s: [3, 4] },
    ]);
    expect((await coll.find().sort({ s: 1 }).toArray()).map((d) => d._id)).toEqual([1, 3, 2]);
    expect((await coll.find().sort({ s: -1 }).toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
  });

  it('returns insertion order for $natural and keeps each document’s field order, _id first', async () => {
    const coll = t.freshCollection('natural');
    await coll.insertMany([{ _id: 3, z: 1, a: 2, m: 3 }, { _id: 1 }, { _id: 2 }]);
    await coll.insertOne({ b: 1, _id: 0, a: 2 });
    expect((await coll.find().sort({ $natural: 1 }).toArray()).map((d) => d._id)).toEqual([3, 1, 2, 0]);
    expect((await coll.find().sort({ $natural: -1 }).toArray()).map((d) => d._id)).toEqual([0, 2, 1, 3]);
    expect(Object.keys((await coll.findOne({ _id: 3 }))!)).toEqual(['_id', 'z', 'a', 'm']);
    expect(Object.keys((await coll.findOne({ _id: 0 }))!)).toEqual(['_id', 'b', 'a']);
  });

  it('adds a server-generated ObjectId _id in first position when a raw insert has none', async () => {
    const coll = t.freshCollection('server_id');
    expect(await t.db.command({ insert: coll.collectionName, documents: [{ name: 'Ann', age: 3 }] })).toMatchObject({ n: 1, ok: 1 });
    const [doc] = await coll.find().toArray();
    expect(doc).toEqual({ _id: expect.any(ObjectId), name: 'Ann', age: 3 });
    expect(Object.keys(doc!)).toEqual(['_id', 'name', 'age']);
  });

  it('projects with inclusion, exclusion, nested paths and _id suppression', async () => {
    const coll = await seededPatients();
    expect(await coll.find({ _id: 1 }, { projection: { name: 1 } }).toArray()).toEqual([{ _id: 1, name: 'Ann' }]);
    expect(await coll.find({ _id: 1 }, { projection: { name: 1, _id: 0 } }).toArray()).toEqual([{ name: 'Ann' }]);
    expect(await coll.find({ _id: 1 }, { projection: { tags: 0, address: 0, city: 0 } }).toArray()).toEqual([
      { _id: 1, name: 'Ann', age: 34 },
    ]);
    expect(await coll.find({ _id: 4 }, { projection: { 'address.zip': 1, _id: 0 } }).toArray()).toEqual([
      { address: { zip: '310000' } },
    ]);
    expect(await coll.find({ _id: 1 }, { projection: { tags: { $slice: 1 }, _id: 0, name: 1 } }).toArray()).toEqual([
      { name: 'Ann', tags: ['vip'] },
    ]);
    expect(await coll.find({ tags: 'diabetes' }, { projection: { 'tags.$': 1 } }).toArray()).toEqual([
      { _id: 1, tags: ['diabetes'] },
    ]);
  });

  it('sorts on several keys, then skips and limits', async () => {
    const coll = await seededPatients();
    const names = async (sort: Document, skip = 0, limit = 0) =>
      (await coll.find().sort(sort).skip(skip).limit(limit).toArray()).map((p) => p.name);

    expect(await names({ age: -1, _id: 1 })).toEqual(['Dai', 'Chen', 'Ann', 'Bo', 'Fang']);
    expect(await names({ age: 1, name: -1 })).toEqual(['Fang', 'Bo', 'Ann', 'Chen', 'Dai']);
    expect(await names({ age: -1, _id: 1 }, 1, 2)).toEqual(['Chen', 'Ann']);
    expect(await names({ age: -1, _id: 1 }, 4, 10)).toEqual(['Fang']);
    // A missing field sorts as null, before every number and string.
    expect(await names({ 'address.zip': 1, _id: 1 })).toEqual(['Bo', 'Chen', 'Fang', 'Ann', 'Dai']);
  });

  it('sorts values of different BSON types in MongoDB type order', async () => {
    const coll = t.freshCollection('mixed_sort');
    await coll.insertMany([
      { _id: 1, v: 'b' },
      { _id: 2, v: 10 },
      { _id: 3, v: null },
      { _id: 4, v: { x: 1 } },
      { _id: 5, v: true },
      { _id: 6, v: new Date('2024-01-01T00:00:00Z') },
      { _id: 7, v: 2.5 },
      { _id: 8, v: 'a' },
      { _id: 9 },
    ]);
    const order = (await coll.find().sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    expect(order).toEqual([3, 9, 7, 2, 8, 1, 4, 5, 6]);
  });

  it('returns a first batch of 101 documents by default and the rest on getMore', async () => {
    const coll = t.freshCollection('default_batch');
    await coll.insertMany(Array.from({ length: 150 }, (_, i) => ({ _id: i })));
    const session = t.client.startSession();
    try {
      // promoteLongs: false keeps cursor ids as the int64 MongoDB always sends.
      const options = { session, promoteLongs: false };
      const first = await t.db.command({ find: coll.collectionName, filter: {}, sort: { _id: 1 } }, options);
      expect(first.cursor.id).toBeInstanceOf(Long);
      expect(first.cursor.firstBatch).toHaveLength(101);
      expect(first.cursor.firstBatch[100]).toEqual({ _id: 100 });
      expect(first.cursor.ns).toBe(`${t.db.databaseName}.${coll.collectionName}`);
      const next = await t.db.command({ getMore: first.cursor.id, collection: coll.collectionName }, options);
      expect(next.cursor.nextBatch).toHaveLength(49);
      expect(next.cursor.nextBatch[0]).toEqual({ _id: 101 });
      expect(next.cursor.id).toEqual(Long.ZERO);
    } finally {
      await session.endSession();
    }
  });

  it('follows a cursor across several getMore batches of the requested size', async () => {
    const coll = t.freshCollection('batches');
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ _id: i, n: i * i })));
    const docs = await coll.find({}, { batchSize: 2 }).sort({ _id: 1 }).toArray();
    expect(docs).toEqual(Array.from({ length: 7 }, (_, i) => ({ _id: i, n: i * i })));
    const getMores = commandsNamed('getMore', coll.collectionName);
    expect(getMores).toHaveLength(3);
    expect(getMores.every((e) => e.command.batchSize === 2)).toBe(true);
  });

  it('stops a limited cursor at the limit even with a small batch size', async () => {
    const coll = t.freshCollection('limit_batches');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i })));
    const docs = await coll.find({}, { batchSize: 2, limit: 5 }).sort({ _id: -1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual([9, 8, 7, 6, 5]);
  });

  it('iterates a cursor one document at a time', async () => {
    const coll = t.freshCollection('iterate');
    await coll.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: i })));
    const seen: number[] = [];
    for await (const doc of coll.find({}, { batchSize: 2 }).sort({ _id: 1 })) seen.push(doc._id as number);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('finds nothing, without error, in a collection that does not exist', async () => {
    expect(await t.db.collection('never_created').find({}).toArray()).toEqual([]);
    expect(await t.db.collection('never_created').findOne({})).toBeNull();
  });
});

describe('counting and distinct', () => {
  it('countDocuments honours filter, skip and limit; estimatedDocumentCount counts all', async () => {
    const coll = await seededPatients();
    expect(await coll.countDocuments()).toBe(5);
    expect(await coll.countDocuments({ city: 'Beijing' })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 3 })).toBe(3);
    expect(await coll.countDocuments({}, { skip: 4 })).toBe(1);
    expect(await coll.countDocuments({ city: 'Nowhere' })).toBe(0);
    expect(await coll.estimatedDocumentCount()).toBe(5);
    expect(await t.db.collection('never_created').estimatedDocumentCount()).toBe(0);
  });

  it('distinct returns each value once, unwinding arrays', async () => {
    const coll = await seededPatients();
    expect((await coll.distinct('city')).sort()).toEqual(['Beijing', 'Hangzhou', 'Shanghai']);
    expect((await coll.distinct('tags')).sort()).toEqual(['diabetes', 'new', 'vip']);
    expect((await coll.distinct('age', { city: 'Beijing' })).sort()).toEqual([27]);
    expect((await coll.distinct('address.zip')).sort()).toEqual(['200000', '310000']);
    expect(await coll.distinct('nothing')).toEqual([]);
  });
});

describe('update', () => {
  it('updateOne reports matched and modified counts, and a no-op modifies nothing', async () => {
    const coll = await seededPatients();
    expect(await coll.updateOne({ _id: 2 }, { $set: { city: 'Tianjin' } })).toEqual({
      acknowledged: true,
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await coll.updateOne({ _id: 2 }, { $set: { city: 'Tianjin' } })).toEqual({
      acknowledged: true,
      matchedCount: 1,
      modifiedCount: 0,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await coll.updateOne({ _id: 99 }, { $set: { city: 'Tianjin' } })).toEqual({
      acknowledged: true,
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, name: 'Bo', age: 27, city: 'Tianjin', tags: ['new'] });
  });

  it('updateOne changes one match; updateMany changes all of them', async () => {
    const coll = await seededPatients();
    const one = await coll.updateOne({ city: 'Beijing' }, { $inc: { age: 1 } });
    expect(one.matchedCount).toBe(1);
    const many = await coll.updateMany({ city: 'Shanghai' }, { $set: { region: 'east' } });
    expect(many).toEqual({ acknowledged: true, matchedCount: 2, modifiedCount: 2, upsertedCount: 0, upsertedId: null });
    expect(await coll.find({ region: 'east' }).sort({ _id: 1 }).project({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 3 }]);
    expect((await coll.find({ city: 'Beijing' }).toArray()).map((p) => p.age).sort()).toEqual([27, 28]);
  });

  it('upserts with the equality fields of the filter and reports the new id', async () => {
    const coll = await seededPatients();
    expect(await coll.updateOne({ _id: 10 }, { $set: { name: 'Gao' } }, { upsert: true })).toEqual({
      acknowledged: true,
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 1,
      upsertedId: 10,
    });
    expect(await coll.findOne({ _id: 10 })).toEqual({ _id: 10, name: 'Gao' });

    const generated = await coll.updateOne(
      { name: 'Hu', city: 'Xian', age: { $gt: 100 }, 'address.zip': '710000' },
      { $set: { age: 101 } },
      { upsert: true },
    );
    expect(generated.upsertedId).toBeInstanceOf(ObjectId);
    expect(await coll.findOne({ _id: generated.upsertedId! })).toEqual({
      _id: generated.upsertedId,
      name: 'Hu',
      city: 'Xian',
      age: 101,
      address: { zip: '710000' },
    });

    const many = await coll.updateMany({ city: 'Lhasa' }, { $set: { seen: true } }, { upsert: true });
    expect(many).toEqual({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: expect.any(ObjectId) });
  });

  it('updates selected array elements with arrayFilters', async () => {
    const coll = t.freshCollection('array_filters');
    await coll.insertOne({ _id: 1, readings: [{ kind: 'bp', v: 150 }, { kind: 'hr', v: 80 }, { kind: 'bp', v: 120 }] });
    const result = await coll.updateOne(
      { _id: 1 },
      { $set: { 'readings.$[high].flag': 'high' } },
      { arrayFilters: [{ 'high.kind': 'bp', 'high.v': { $gte: 140 } }] },
    );
    expect(result.modifiedCount).toBe(1);
    expect(await coll.findOne({ _id: 1 })).toEqual({
      _id: 1,
      readings: [{ kind: 'bp', v: 150, flag: 'high' }, { kind: 'hr', v: 80 }, { kind: 'bp', v: 120 }],
    });
  });

  it('replaceOne swaps the whole document but keeps _id', async () => {
    const coll = await seededPatients();
    expect(await coll.replaceOne({ _id: 3 }, { name: 'Chen Li', age: 46, city: 'Suzhou' })).toEqual({
      acknowledged: true,
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await coll.findOne({ _id: 3 })).toEqual({ _id: 3, name: 'Chen Li', age: 46, city: 'Suzhou' });

    const upserted = await coll.replaceOne({ _id: 20 }, { name: 'Ji', age: 1, city: 'Wuhan' }, { upsert: true });
    expect(upserted).toEqual({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 20 });
    expect(await coll.findOne({ _id: 20 })).toEqual({ _id: 20, name: 'Ji', age: 1, city: 'Wuhan' });
  });
});

describe('delete', () => {
  it('deleteOne removes one match, deleteMany all of them', async () => {
    const coll = await seededPatients();
    expect(await coll.deleteOne({ city: 'Beijing' })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await coll.deleteMany({ age: { $gt: 40 } })).toEqual({ acknowledged: true, deletedCount: 2 });
    expect(await coll.deleteMany({ age: { $gt: 400 } })).toEqual({ acknowledged: true, deletedCount: 0 });
    expect(await coll.countDocuments()).toBe(2);
    expect(await coll.deleteMany({})).toEqual({ acknowledged: true, deletedCount: 2 });
  });
});

describe('findOneAnd*', () => {
  it('findOneAndUpdate returns the document before by default, after when asked, honouring sort and projection', async () => {
    const coll = await seededPatients();
    expect(await coll.findOneAndUpdate({ city: 'Beijing' }, { $inc: { age: 1 } }, { sort: { name: -1 } })).toEqual(patients[4]);
    expect(
      await coll.findOneAndUpdate(
        { city: 'Beijing' },
        { $inc: { age: 1 } },
        { sort: { name: -1 }, returnDocument: 'after', projection: { age: 1, _id: 0 } },
      ),
    ).toEqual({ age: 29 });
    expect(await coll.findOneAndUpdate({ city: 'Nowhere' }, { $set: { x: 1 } })).toBeNull();
  });

  it('findOneAndUpdate with upsert returns null before and the new document after', async () => {
    const coll = await seededPatients();
    expect(await coll.findOneAndUpdate({ _id: 30 }, { $set: { name: 'Kai' } }, { upsert: true })).toBeNull();
    expect(
      await coll.findOneAndUpdate({ _id: 31 }, { $set: { name: 'Lu' } }, { upsert: true, returnDocument: 'after' }),
    ).toEqual({ _id: 31, name: 'Lu' });
    expect(await coll.findOne({ _id: 30 })).toEqual({ _id: 30, name: 'Kai' });
  });

  it('findOneAndUpdate can return the raw findAndModify metadata', async () => {
    const coll = await seededPatients();
    const updated = await coll.findOneAndUpdate({ _id: 1 }, { $set: { age: 35 } }, { includeResultMetadata: true, returnDocument: 'after' });
    expect(updated).toMatchObject({ ok: 1, lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 1, age: 35 } });

    const upserted = await coll.findOneAndUpdate({ _id: 40 }, { $set: { name: 'Mo' } }, { includeResultMetadata: true, upsert: true });
    expect(upserted).toMatchObject({ ok: 1, value: null, lastErrorObject: { n: 1, updatedExisting: false, upserted: 40 } });

    const missed = await coll.findOneAndUpdate({ _id: 41 }, { $set: { name: 'No' } }, { includeResultMetadata: true });
    expect(missed).toMatchObject({ ok: 1, value: null, lastErrorObject: { n: 0, updatedExisting: false } });
  });

  it('findOneAndReplace and findOneAndDelete', async () => {
    const coll = await seededPatients();
    expect(await coll.findOneAndReplace({ _id: 2 }, { name: 'Bo Wen', age: 28, city: 'Beijing' }, { returnDocument: 'after' })).toEqual({
      _id: 2,
      name: 'Bo Wen',
      age: 28,
      city: 'Beijing',
    });
    expect(await coll.findOneAndReplace({ _id: 50 }, { name: 'New' }, { upsert: true, returnDocument: 'after' })).toEqual({
      _id: 50,
      name: 'New',
    });
    expect(await coll.findOneAndDelete({ age: { $gt: 40 } }, { sort: { age: -1 } })).toEqual(patients[3]);
    expect(await coll.findOneAndDelete({ _id: 4 })).toBeNull();
    expect(await coll.countDocuments()).toBe(5);
  });
});

describe('bulkWrite', () => {
  it('applies mixed operations and sums the results', async () => {
    const coll = await seededPatients();
    const result = await coll.bulkWrite([
      { insertOne: { document: { _id: 6, name: 'Gu', age: 30, city: 'Xian' } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { age: 35 } } } },
      { updateMany: { filter: { city: 'Beijing' }, update: { $set: { north: true } } } },
      { updateOne: { filter: { _id: 7 }, update: { $set: { name: 'He' } }, upsert: true } },
      { replaceOne: { filter: { _id: 3 }, replacement: { name: 'Chen', age: 46, city: 'Shanghai' } } },
      { deleteOne: { filter: { _id: 4 } } },
      { deleteMany: { filter: { age: { $lt: 0 } } } },
    ]);
    expect(result.insertedCount).toBe(1);
    expect(result.matchedCount).toBe(4);
    expect(result.modifiedCount).toBe(4);
    expect(result.upsertedCount).toBe(1);
    expect(result.deletedCount).toBe(1);
    expect(result.insertedIds).toEqual({ 0: 6 });
    expect(result.upsertedIds).toEqual({ 3: 7 });
    expect(await coll.countDocuments()).toBe(6);
  });

  it('ordered: stops at the first error and reports its index', async () => {
    const coll = t.freshCollection('bulk_ordered');
    const error = await coll
      .bulkWrite([{ insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 2 } } }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = error as MongoBulkWriteError;
    expect(bulkError.code).toBe(11000);
    expect(bulkError.insertedCount).toBe(1);
    const writeErrors = [bulkError.writeErrors].flat();
    expect(writeErrors).toHaveLength(1);
    expect(writeErrors[0]).toMatchObject({ index: 1, code: 11000 });
    expect(await coll.find().toArray()).toEqual([{ _id: 1 }]);
  });

  it('unordered: carries on past errors and reports every failing index', async () => {
    const coll = t.freshCollection('bulk_unordered');
    const error = await coll
      .bulkWrite(
        [
          { insertOne: { document: { _id: 1 } } },
          { insertOne: { document: { _id: 1 } } },
          { insertOne: { document: { _id: 2 } } },
          { insertOne: { document: { _id: 2 } } },
          { insertOne: { document: { _id: 3 } } },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = error as MongoBulkWriteError;
    expect(bulkError.insertedCount).toBe(3);
    expect([bulkError.writeErrors].flat().map((w) => [w.index, w.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
  });

  it('insertMany of more than one write batch splits transparently', async () => {
    const coll = t.freshCollection('bulk_large');
    // 5000 × 10 kB is more than one 48 MB message, so the driver must send two.
    const docs = Array.from({ length: 5000 }, (_, i) => ({ _id: i, pad: 'x'.repeat(10_000) }));
    const result = await coll.insertMany(docs);
    expect(result.insertedCount).toBe(5000);
    expect(await coll.countDocuments()).toBe(5000);
    expect(await coll.findOne({ _id: 4999 })).toEqual({ _id: 4999, pad: 'x'.repeat(10_000) });
    expect(commandsNamed('insert', coll.collectionName).length).toBeGreaterThanOrEqual(2);
  });
});

describe('command options', () => {
  it('accepts the options drivers and ODMs send with each command', async () => {
    const coll = t.freshCollection('options');
    await coll.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ]);
    const byLet = { $expr: { $eq: ['$a', '$$x'] } };
    const common = { comment: 'conformance', maxTimeMS: 10_000 };

    // Soft expectations: one refused option should not hide how the other commands fare.
    await expect.soft(coll.find(byLet, { ...common, let: { x: 1 }, allowDiskUse: true, noCursorTimeout: true, hint: { _id: 1 } }).toArray()).resolves.toEqual([
      { _id: 1, a: 1 },
    ]);
    await expect
      .soft(coll.aggregate([{ $match: byLet }, { $project: { _id: 1 } }], { ...common, let: { x: 2 }, allowDiskUse: true, bypassDocumentValidation: true, hint: { _id: 1 } }).toArray())
      .resolves.toEqual([{ _id: 2 }]);
    await expect.soft(coll.insertOne({ _id: 3, a: 3 }, { comment: 'conformance', bypassDocumentValidation: true })).resolves.toEqual({ acknowledged: true, insertedId: 3 });
    await expect
      .soft(coll.updateOne(byLet, [{ $set: { b: '$$x' } }], { comment: 'conformance', let: { x: 1 }, hint: { _id: 1 }, bypassDocumentValidation: true }))
      .resolves.toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    await expect
      .soft(coll.findOneAndUpdate({ _id: 2 }, { $set: { c: 1 } }, { ...common, let: { x: 1 }, hint: { _id: 1 }, returnDocument: 'after' }))
      .resolves.toEqual({ _id: 2, a: 2, c: 1 });
    await expect.soft(coll.countDocuments({}, { ...common, hint: { _id: 1 } })).resolves.toBe(3);
    await expect.soft(coll.estimatedDocumentCount(common)).resolves.toBe(3);
    await expect.soft(coll.distinct('a', {}, common).then((values) => values.sort())).resolves.toEqual([1, 2, 3]);
    await expect.soft(coll.deleteMany({ a: 3 }, { comment: 'conformance', let: { x: 1 }, hint: { _id: 1 } })).resolves.toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 2, c: 1 },
    ]);
  });

  it('serves reads at readConcern majority', async () => {
    const coll = t.freshCollection('read_concern');
    await coll.insertOne({ _id: 1 }, { writeConcern: { w: 'majority' } });
    const majority = t.db.collection<TestDocument>(coll.collectionName, { readConcern: { level: 'majority' } });
    expect(await majority.find().toArray()).toEqual([{ _id: 1 }]);
    expect(await majority.countDocuments()).toBe(1);
  });
});

describe('strings', () => {
  it('stores Chinese and emoji text intact and sorts strings by UTF-8 bytes', async () => {
    const coll = t.freshCollection('unicode');
    const names = ['李四', 'Zoe', '张三', 'apple', '😀', '！', 'é'];
    await coll.insertMany(names.map((name, i) => ({ _id: i, name })));
    expect((await coll.find().sort({ name: 1 }).toArray()).map((d) => d.name)).toEqual(['Zoe', 'apple', 'é', '张三', '李四', '！', '😀']);
    expect(await coll.findOne({ name: '张三' }, { projection: { _id: 0 } })).toEqual({ name: '张三' });
    expect((await coll.find({ name: { $regex: '^[张李]' } }).sort({ _id: 1 }).toArray()).map((d) => d.name)).toEqual(['李四', '张三']);
    expect((await coll.find({ name: { $gt: '张' } }).sort({ name: 1 }).toArray()).map((d) => d.name)).toEqual(['张三', '李四', '！', '😀']);
  });
});

describe('races', () => {
  it('of many concurrent findOneAndUpdate claims on one free slot, exactly one wins', async () => {
    const coll = t.freshCollection('slot_claims');
    await coll.insertOne({ _id: 'mon-9', status: 'free', patient: null });
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        coll.findOneAndUpdate({ _id: 'mon-9', status: 'free' }, { $set: { status: 'booked', patient: `p${i}` } }, { returnDocument: 'after' }),
      ),
    );
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect(await coll.findOne({ _id: 'mon-9' })).toEqual(winners[0]);
  });

  it('of many concurrent inserts of one unique key, exactly one succeeds and the rest get 11000', async () => {
    const coll = t.freshCollection('unique_race');
    await coll.createIndex({ slot: 1 }, { unique: true });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => coll.insertOne({ _id: i, slot: 'tue-10' })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as MongoServerError).code] : []));
    expect(codes).toEqual(Array.from({ length: 19 }, () => 11000));
    expect(await coll.countDocuments()).toBe(1);
  });

  it('concurrent $inc updates are never lost', async () => {
    const coll = t.freshCollection('inc_race');
    await coll.insertOne({ _id: 'quota', used: 0 });
    await Promise.all(Array.from({ length: 50 }, () => coll.updateOne({ _id: 'quota' }, { $inc: { used: 1 } })));
    expect(await coll.findOne({ _id: 'quota' })).toEqual({ _id: 'quota', used: 50 });
  });
});

describe('large documents', () => {
  it('stores and returns a document just under the 16 MiB limit', async () => {
    const coll = t.freshCollection('big_doc');
    const payload = 'p'.repeat(16 * 1024 * 1024 - 1024);
    await coll.insertOne({ _id: 1, payload });
    const doc = await coll.findOne({ _id: 1 });
    expect(doc?.payload.length).toBe(payload.length);
    expect(doc?.payload === payload).toBe(true);
  });
});

describe('retryable writes and write concern', () => {
  it('applies a write retried with the same lsid and txnNumber only once, and answers as before', async () => {
    // A client of its own, so the session is new to the server: pooled sessions have already
    // used txnNumbers, and a lower one would be refused as too old.
    const own = await MongoClient.connect(t.mongo.uri);
    const session = own.startSession();
    try {
      const ownDb = own.db(t.db.databaseName);
      const coll = t.freshCollection('retryable');
      const insert = { insert: coll.collectionName, documents: [{ _id: 1, n: 0 }], txnNumber: Long.fromNumber(1) };
      expect(await ownDb.command(insert, { session })).toMatchObject({ n: 1, ok: 1 });
      const retriedInsert = await ownDb.command(insert, { session });
      expect(retriedInsert).toMatchObject({ n: 1, ok: 1 });
      expect(retriedInsert.writeErrors).toBeUndefined();

      const update = { update: coll.collectionName, updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], txnNumber: Long.fromNumber(2) };
      expect(await ownDb.command(update, { session })).toMatchObject({ n: 1, nModified: 1, ok: 1 });
      expect(await ownDb.command(update, { session })).toMatchObject({ n: 1, nModified: 1, ok: 1 });
      expect(await coll.find().toArray()).toEqual([{ _id: 1, n: 1 }]);

      // A new txnNumber is a new write; an older one is refused.
      expect(await ownDb.command({ ...update, txnNumber: Long.fromNumber(3) }, { session })).toMatchObject({ n: 1, nModified: 1, ok: 1 });
      expect(await coll.find().toArray()).toEqual([{ _id: 1, n: 2 }]);
      const tooOld = await ownDb.command({ ...update, txnNumber: Long.fromNumber(2) }, { session }).catch((e: unknown) => e);
      expect(tooOld).toMatchObject({ code: 225, codeName: 'TransactionTooOld' });
    } finally {
      await session.endSession();
      await own.close();
    }
  });

  it('accepts majority and journaled write concern', async () => {
    const coll = t.freshCollection('wc_majority');
    expect(await coll.insertOne({ _id: 1 }, { writeConcern: { w: 'majority', journal: true } })).toEqual({ acknowledged: true, insertedId: 1 });
  });

  it('reports a write concern no single member can satisfy as UnsatisfiableWriteConcern (100), after writing', async () => {
    const coll = t.freshCollection('wc_unsatisfiable');
    const error = await coll.insertOne({ _id: 1 }, { writeConcern: { w: 50, wtimeoutMS: 1000 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoWriteConcernError);
    expect(error).toMatchObject({ code: 100, codeName: 'UnsatisfiableWriteConcern' });
    expect(await coll.find().toArray()).toEqual([{ _id: 1 }]);
  });
});

describe('cursors', () => {
  it('killCursors reports the killed cursor, and a later getMore gets CursorNotFound (43)', async () => {
    const coll = t.freshCollection('kill');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i })));
    const session = t.client.startSession();
    try {
      const options = { session, promoteLongs: false };
      const first = await t.db.command({ find: coll.collectionName, batchSize: 2 }, options);
      const id: Long = first.cursor.id;
      expect(id.isZero()).toBe(false);
      const killed = await t.db.command({ killCursors: coll.collectionName, cursors: [id] }, options);
      expect(killed).toMatchObject({ cursorsKilled: [id], cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [], ok: 1 });
      const error = await t.db.command({ getMore: id, collection: coll.collectionName }, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound' });
    } finally {
      await session.endSession();
    }
  });

  it('closing a driver cursor early sends killCursors', async () => {
    const coll = t.freshCollection('close_early');
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i })));
    const cursor = coll.find({}, { batchSize: 3 });
    expect(await cursor.next()).toEqual({ _id: 0 });
    await cursor.close();
    const kills = commandsNamed('killCursors', coll.collectionName);
    expect(kills).toHaveLength(1);
  });
});
