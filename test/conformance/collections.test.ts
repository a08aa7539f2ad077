import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverError, uniqueDbName, useTestMongo, type TestDocument, type TestMongo } from '../support/mongo.js';

let mongo: TestMongo;
let client: MongoClient;
const dbs: Db[] = [];

/** A database of its own for each test, so listCollections sees only what the test made. */
function freshDb(label: string): Db {
  const db = client.db(uniqueDbName(label));
  dbs.push(db);
  return db;
}

async function namesIn(db: Db): Promise<string[]> {
  return (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
}

beforeAll(async () => {
  mongo = await useTestMongo();
  client = await MongoClient.connect(mongo.uri);
});

afterAll(async () => {
  for (const db of dbs) await db.dropDatabase().catch(() => undefined);
  await client?.close();
  await mongo?.stop();
});

describe('create and list', () => {
  it('lists created and implicitly created collections, nameOnly as { name, type }', async () => {
    const db = freshDb('coll_list');
    await db.createCollection('patients');
    await db.collection<TestDocument>('visits').insertOne({ _id: 1 });
    const listed = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(listed.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'patients', type: 'collection' },
      { name: 'visits', type: 'collection' },
    ]);
  });

  it('lists full collection information', async () => {
    const db = freshDb('coll_info');
    await db.createCollection('plain');
    await db.createCollection('checked', { validator: { age: { $gte: 0 } } });
    const infos = await db.listCollections().toArray();
    const byName = new Map(infos.map((info) => [info.name, info]));
    expect(byName.get('plain')).toEqual({
      name: 'plain',
      type: 'collection',
      options: {},
      info: { readOnly: false, uuid: expect.anything() },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    expect(byName.get('checked')).toMatchObject({ name: 'checked', type: 'collection', options: { validator: { age: { $gte: 0 } } } });
  });

  it('filters by name, exactly or by pattern', async () => {
    const db = freshDb('coll_filter');
    for (const name of ['patients', 'patient_notes', 'visits']) await db.createCollection(name);
    expect(await db.listCollections({ name: 'visits' }, { nameOnly: true }).toArray()).toEqual([{ name: 'visits', type: 'collection' }]);
    expect((await db.listCollections({ name: /^patient/ }, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual([
      'patient_notes',
      'patients',
    ]);
    expect(await db.listCollections({ name: 'nothing' }).toArray()).toEqual([]);
  });

  it('creating an existing collection again succeeds with the same options and fails (48) with others', async () => {
    const db = freshDb('coll_exists');
    await db.createCollection('patients');
    await db.createCollection('patients');
    const error = await serverError(db.createCollection('patients', { validator: { age: { $gte: 0 } } }));
    expect(error).toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    expect(await namesIn(db)).toEqual(['patients']);
  });
});

describe('rename', () => {
  it('moves documents and indexes to the new name', async () => {
    const db = freshDb('coll_rename');
    const old = db.collection<TestDocument>('old');
    await old.insertMany([{ _id: 1, email: 'a@x.cn' }, { _id: 2 }]);
    await old.createIndex({ email: 1 }, { unique: true, sparse: true });
    const renamed = await old.rename('new');
    expect(renamed.collectionName).toBe('new');
    expect(await namesIn(db)).toEqual(['new']);
    expect(await db.collection('new').find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, email: 'a@x.cn' }, { _id: 2 }]);
    expect(await db.collection('new').listIndexes().toArray()).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true, sparse: true },
    ]);
    expect(await db.collection('old').countDocuments()).toBe(0);
  });

  it('refuses an existing target (48) unless dropTarget, and a missing source (26)', async () => {
    const db = freshDb('coll_rename_errors');
    await db.collection<TestDocument>('a').insertOne({ _id: 'a' });
    await db.collection<TestDocument>('b').insertOne({ _id: 'b' });
    expect(await serverError(db.renameCollection('a', 'b'))).toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    await db.renameCollection('a', 'b', { dropTarget: true });
    expect(await db.collection('b').find().toArray()).toEqual([{ _id: 'a' }]);
    expect(await serverError(db.renameCollection('missing', 'c'))).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });

  it('renames across databases with the admin command', async () => {
    const from = freshDb('coll_rename_from');
    const to = freshDb('coll_rename_to');
    await from.collection<TestDocument>('moving').insertOne({ _id: 1 });
    await client.db('admin').command({ renameCollection: `${from.databaseName}.moving`, to: `${to.databaseName}.moved` });
    expect(await to.collection('moved').find().toArray()).toEqual([{ _id: 1 }]);
    expect(await namesIn(from)).toEqual([]);
  });
});

describe('drop', () => {
  it('drop removes the collection, its documents and its indexes', async () => {
    const db = freshDb('coll_drop');
    const coll = db.collection<TestDocument>('temp');
    await coll.insertOne({ _id: 1, email: 'a' });
    await coll.createIndex({ email: 1 }, { unique: true });
    expect(await coll.drop()).toBe(true);
    expect(await namesIn(db)).toEqual([]);
    await coll.insertOne({ _id: 1, email: 'a' });
    await coll.insertOne({ _id: 2, email: 'a' });
    expect(await coll.countDocuments()).toBe(2);
  });

  it('dropDatabase removes every collection, and the database leaves listDatabases', async () => {
    const db = freshDb('coll_dropdb');
    await db.collection<TestDocument>('x').insertOne({ _id: 1 });
    await db.collection<TestDocument>('y').insertOne({ _id: 1 });
    const before = await client.db('admin').admin().listDatabases();
    const entry = before.databases.find((d) => d.name === db.databaseName);
    expect(entry).toMatchObject({ name: db.databaseName, empty: false });
    expect(typeof entry?.sizeOnDisk).toBe('number');
    expect(typeof before.totalSize).toBe('number');

    const namesOnly = await client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(namesOnly.databases.find((d) => d.name === db.databaseName)).toEqual({ name: db.databaseName });

    expect(await db.dropDatabase()).toBe(true);
    expect(await namesIn(db)).toEqual([]);
    const after = await client.db('admin').admin().listDatabases();
    expect(after.databases.map((d) => d.name)).not.toContain(db.databaseName);
  });
});

describe('collMod', () => {
  it('changes a TTL index and reports the old and new values', async () => {
    const db = freshDb('coll_mod_ttl');
    const coll = db.collection<TestDocument>('sessions');
    await coll.createIndex({ lastSeen: 1 }, { expireAfterSeconds: 60 });
    const reply = await db.command({ collMod: 'sessions', index: { keyPattern: { lastSeen: 1 }, expireAfterSeconds: 120 } });
    expect(reply).toMatchObject({ expireAfterSeconds_old: 60, expireAfterSeconds_new: 120, ok: 1 });
    expect((await coll.listIndexes().toArray())[1]).toEqual({ v: 2, key: { lastSeen: 1 }, name: 'lastSeen_1', expireAfterSeconds: 120 });
  });

  it('adds a validator that then rejects bad writes with DocumentValidationFailure (121)', async () => {
    const db = freshDb('coll_mod_validator');
    const coll = db.collection<TestDocument>('patients');
    await coll.insertOne({ _id: 1, age: 30 });
    await db.command({ collMod: 'patients', validator: { age: { $gte: 0 } }, validationLevel: 'strict', validationAction: 'error' });

    const insert = await serverError(coll.insertOne({ _id: 2, age: -1 }));
    expect(insert.code).toBe(121);
    expect(insert.errInfo).toMatchObject({ failingDocumentId: 2 });
    const update = await serverError(coll.updateOne({ _id: 1 }, { $set: { age: -5 } }));
    expect(update.code).toBe(121);
    expect(await coll.find().toArray()).toEqual([{ _id: 1, age: 30 }]);

    const [info] = await db.listCollections({ name: 'patients' }).toArray();
    expect(info).toMatchObject({ options: { validator: { age: { $gte: 0 } }, validationLevel: 'strict', validationAction: 'error' } });
  });

  it('fails with NamespaceNotFound (26) for a missing collection', async () => {
    const db = freshDb('coll_mod_missing');
    await db.collection<TestDocument>('present').insertOne({ _id: 1 });
    expect(await serverError(db.command({ collMod: 'absent', validator: {} }))).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });
});
