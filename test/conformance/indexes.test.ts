import type { Collection, Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverError, useConformanceDb, usingRealMongo, type TestDocument } from '../support/mongo.js';

const t = useConformanceDb('indexes');

/**
 * Every `stage` named anywhere in a winning plan. MongoDB 7 nests classic plans as
 * `inputStage(s)` and SBE plans under `queryPlan`; MongoDB 8 adds EXPRESS_* stages for point
 * lookups. Tests assert on the set of stage names, which all of those shapes share.
 */
function stagesOf(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(stagesOf);
  if (plan === null || typeof plan !== 'object') return [];
  const node = plan as Document;
  const own = typeof node.stage === 'string' ? [node.stage] : [];
  return [...own, ...Object.values(node).flatMap(stagesOf)];
}

async function winningStages(cursor: { explain(verbosity: 'queryPlanner'): Promise<Document> }): Promise<string[]> {
  const explained = await cursor.explain('queryPlanner');
  expect(explained.queryPlanner.winningPlan).toBeDefined();
  return stagesOf(explained.queryPlanner.winningPlan);
}

describe('creating and listing', () => {
  it('lists each index as { v: 2, key, name } plus exactly the options it was made with', async () => {
    const coll = t.freshCollection('list');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await coll.createIndex({ hospital: 1, visitAt: -1 })).toBe('hospital_1_visitAt_-1');
    expect(await coll.createIndex({ nickname: 1 }, { sparse: true })).toBe('nickname_1');
    expect(await coll.createIndex({ age: 1 }, { name: 'adults', partialFilterExpression: { age: { $gt: 18 } } })).toBe('adults');
    expect(await coll.createIndex({ 'address.city': 1 })).toBe('address.city_1');
    expect(await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 })).toBe('createdAt_1');

    expect(await coll.listIndexes().toArray()).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true },
      { v: 2, key: { hospital: 1, visitAt: -1 }, name: 'hospital_1_visitAt_-1' },
      { v: 2, key: { nickname: 1 }, name: 'nickname_1', sparse: true },
      { v: 2, key: { age: 1 }, name: 'adults', partialFilterExpression: { age: { $gt: 18 } } },
      { v: 2, key: { 'address.city': 1 }, name: 'address.city_1' },
      { v: 2, key: { createdAt: 1 }, name: 'createdAt_1', expireAfterSeconds: 3600 },
    ]);
  });

  it('createIndexes reports index counts, and repeating an identical index is a no-op', async () => {
    const coll = t.freshCollection('create_reply');
    const created = await t.db.command({ createIndexes: coll.collectionName, indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(created).toMatchObject({ createdCollectionAutomatically: true, numIndexesBefore: 1, numIndexesAfter: 2, ok: 1 });
    const again = await t.db.command({ createIndexes: coll.collectionName, indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(again).toMatchObject({ numIndexesBefore: 2, numIndexesAfter: 2, note: 'all indexes already exist', ok: 1 });
    expect(await coll.createIndex({ a: 1 })).toBe('a_1');
    expect(await coll.listIndexes().toArray()).toHaveLength(2);
  });

  it('refuses a second index with the same name but other keys (86) or the same keys but other options (85)', async () => {
    const coll = t.freshCollection('conflicts');
    await coll.createIndex({ email: 1 }, { unique: true });
    expect(await serverError(coll.createIndex({ phone: 1 }, { name: 'email_1' }))).toMatchObject({
      code: 86,
      codeName: 'IndexKeySpecsConflict',
    });
    expect(await serverError(coll.createIndex({ email: 1 }))).toMatchObject({ code: 85, codeName: 'IndexOptionsConflict' });
    expect(await serverError(coll.createIndex({ email: 1 }, { unique: true, name: 'other_name' }))).toMatchObject({
      code: 85,
      codeName: 'IndexOptionsConflict',
    });
  });

  it('a unique index cannot be built over existing duplicates', async () => {
    const coll = t.freshCollection('unique_existing');
    await coll.insertMany([
      { _id: 1, email: 'a@x.cn' },
      { _id: 2, email: 'a@x.cn' },
    ]);
    const error = await serverError(coll.createIndex({ email: 1 }, { unique: true }));
    expect(error.code).toBe(11000);
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });
});

describe('unique index semantics', () => {
  it('sparse unique allows many documents without the field', async () => {
    const coll = t.freshCollection('sparse_unique');
    await coll.createIndex({ idCard: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3, idCard: 'X1' }]);
    const error = await serverError(coll.insertOne({ _id: 4, idCard: 'X1' }));
    expect(error).toMatchObject({ code: 11000, keyValue: { idCard: 'X1' } });
  });

  it('non-sparse unique treats a missing field as null, so only one document may lack it', async () => {
    const coll = t.freshCollection('null_unique');
    await coll.createIndex({ idCard: 1 }, { unique: true });
    await coll.insertOne({ _id: 1 });
    const missing = await serverError(coll.insertOne({ _id: 2 }));
    expect(missing).toMatchObject({ code: 11000, keyValue: { idCard: null } });
    const explicitNull = await serverError(coll.insertOne({ _id: 3, idCard: null }));
    expect(explicitNull.code).toBe(11000);
  });

  it('partial unique only constrains documents matching the filter', async () => {
    const coll = t.freshCollection('partial_unique');
    await coll.createIndex({ slot: 1 }, { unique: true, partialFilterExpression: { status: 'booked' } });
    await coll.insertMany([
      { _id: 1, slot: 'mon-9', status: 'booked' },
      { _id: 2, slot: 'mon-9', status: 'cancelled' },
      { _id: 3, slot: 'mon-9', status: 'cancelled' },
    ]);
    const error = await serverError(coll.insertOne({ _id: 4, slot: 'mon-9', status: 'booked' }));
    expect(error).toMatchObject({ code: 11000, keyValue: { slot: 'mon-9' } });
    await coll.updateOne({ _id: 1 }, { $set: { status: 'cancelled' } });
    await coll.insertOne({ _id: 4, slot: 'mon-9', status: 'booked' });
    expect(await coll.countDocuments({ slot: 'mon-9' })).toBe(4);
  });

  it('multikey unique compares array elements across documents, not within one', async () => {
    const coll = t.freshCollection('multikey_unique');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, tags: ['a', 'b', 'b'] });
    const error = await serverError(coll.insertOne({ _id: 2, tags: ['c', 'b'] }));
    expect(error).toMatchObject({ code: 11000, keyValue: { tags: 'b' } });
  });
});

describe('dropping', () => {
  it('dropIndex by name or key, dropIndexes all but _id', async () => {
    const coll = t.freshCollection('drop');
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    await coll.dropIndex('a_1');
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'b_1', 'c_1']);
    await t.db.command({ dropIndexes: coll.collectionName, index: { b: 1 } });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'c_1']);
    await coll.createIndex({ d: 1 });
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('dropping a missing index is IndexNotFound (27); the _id index cannot be dropped', async () => {
    const coll = t.freshCollection('drop_errors');
    await coll.insertOne({ _id: 1 });
    expect(await serverError(coll.dropIndex('nope_1'))).toMatchObject({ code: 27, codeName: 'IndexNotFound' });
    expect(await serverError(coll.dropIndex('_id_'))).toMatchObject({ code: 72, codeName: 'InvalidOptions' });
  });

  it('a dropped unique index no longer rejects duplicates', async () => {
    const coll = t.freshCollection('drop_unique');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, email: 'a@x.cn' });
    await coll.dropIndex('email_1');
    await coll.insertOne({ _id: 2, email: 'a@x.cn' });
    expect(await coll.countDocuments({ email: 'a@x.cn' })).toBe(2);
  });
});

describe('query plans', () => {
  let coll: Collection<TestDocument>;

  beforeAll(async () => {
    coll = t.freshCollection('plans');
    await coll.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, email: `p${i}@x.cn`, name: `n${i % 10}`, age: i % 90 })));
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.createIndex({ age: 1 });
  });

  it('uses an index scan for an indexed equality', async () => {
    expect((await winningStages(coll.find({ email: 'p5@x.cn' }))).join(' ')).toMatch(/IXSCAN/);
    expect((await winningStages(coll.find({ age: { $gte: 80 } }))).join(' ')).toMatch(/IXSCAN/);
  });

  it('uses the _id index for an _id lookup', async () => {
    expect((await winningStages(coll.find({ _id: 5 }))).join(' ')).toMatch(/IDHACK|IXSCAN/);
  });

  it('scans the collection when no index applies', async () => {
    const stages = await winningStages(coll.find({ name: 'n3' }));
    expect(stages).toContain('COLLSCAN');
    expect(stages.join(' ')).not.toMatch(/IXSCAN/);
  });

  it('follows a hint, and rejects a hint naming no index', async () => {
    expect((await winningStages(coll.find({ name: 'n3' }).hint({ age: 1 }))).join(' ')).toMatch(/IXSCAN/);
    expect(await coll.find({ age: 3 }).hint('age_1').sort({ _id: 1 }).project({ _id: 1 }).toArray()).toEqual([{ _id: 3 }, { _id: 93 }, { _id: 183 }]);
    const error = await serverError(coll.find({ name: 'n3' }).hint({ nope: 1 }).toArray());
    expect(error.code).toBe(2);
  });

  it('returns the same results through an index as through a collection scan', async () => {
    const viaIndex = await coll.find({ age: { $gte: 85 } }).sort({ _id: 1 }).toArray();
    const viaScan = await coll.find({ age: { $gte: 85 } }).hint({ $natural: 1 }).sort({ _id: 1 }).toArray();
    expect(viaIndex).toEqual(viaScan);
    expect(viaIndex.map((d) => d._id)).toEqual([85, 86, 87, 88, 89, 175, 176, 177, 178, 179]);
  });
});

describe('TTL indexes', () => {
  it('records expireAfterSeconds on the index', async () => {
    const coll = t.freshCollection('ttl_spec');
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    expect((await coll.listIndexes().toArray())[1]).toEqual({ v: 2, key: { expiresAt: 1 }, name: 'expiresAt_1', expireAfterSeconds: 0 });
  });

  // Real MongoDB sweeps every 60 s, so waiting would dominate the suite; the embedded server
  // sweeps every second.
  it.skipIf(usingRealMongo)('removes expired documents, keeping fresh ones and ones without a date', async () => {
    const coll = t.freshCollection('ttl_sweep');
    await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 1 });
    const now = Date.now();
    await coll.insertMany([
      { _id: 'old', createdAt: new Date(now - 3_600_000) },
      { _id: 'old-array', createdAt: [new Date(now + 3_600_000), new Date(now - 3_600_000)] },
      { _id: 'fresh', createdAt: new Date(now + 3_600_000) },
      { _id: 'not-a-date', createdAt: 'yesterday' },
      { _id: 'no-field' },
    ]);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await coll.countDocuments()) > 3) await new Promise((r) => setTimeout(r, 200));
    expect((await coll.find().toArray()).map((d) => d._id).sort()).toEqual(['fresh', 'no-field', 'not-a-date']);
  });
});
