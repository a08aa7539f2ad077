import { MongoBulkWriteError, type Collection, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverError, useConformanceDb, type TestDocument } from '../support/mongo.js';

// Applications branch on error codes (11000 → "already exists", 112 → retry), so these must be
// MongoDB's exactly. Write errors carry code and errmsg; command errors also carry codeName.

const t = useConformanceDb('errors');

describe('duplicate keys (E11000)', () => {
  it('on _id: code 11000 with keyPattern, keyValue and MongoDB’s message', async () => {
    const coll = t.freshCollection('dup_id');
    await coll.insertOne({ _id: 1 });
    const error = await serverError(coll.insertOne({ _id: 1 }));
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ _id: 1 });
    expect(error.keyValue).toEqual({ _id: 1 });
    expect(error.message).toBe(`E11000 duplicate key error collection: ${t.db.databaseName}.${coll.collectionName} index: _id_ dup key: { _id: 1 }`);
  });

  it('on a unique secondary index, for inserts, updates and replacements', async () => {
    const coll = t.freshCollection('dup_email');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, email: 'a@x.cn' },
      { _id: 2, email: 'b@x.cn' },
    ]);

    const onInsert = await serverError(coll.insertOne({ _id: 3, email: 'a@x.cn' }));
    expect(onInsert).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@x.cn' } });
    expect(onInsert.message).toBe(
      `E11000 duplicate key error collection: ${t.db.databaseName}.${coll.collectionName} index: email_1 dup key: { email: "a@x.cn" }`,
    );

    const onUpdate = await serverError(coll.updateOne({ _id: 2 }, { $set: { email: 'a@x.cn' } }));
    expect(onUpdate).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@x.cn' } });

    const onReplace = await serverError(coll.replaceOne({ _id: 2 }, { email: 'a@x.cn' }));
    expect(onReplace.code).toBe(11000);

    // Nothing changed.
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, email: 'a@x.cn' },
      { _id: 2, email: 'b@x.cn' },
    ]);
  });

  it('on a compound unique index, naming every key; a missing field counts as null', async () => {
    const coll = t.freshCollection('dup_compound');
    await coll.createIndex({ hospital: 1, mrn: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, hospital: 'h1', mrn: 7 });
    const compound = await serverError(coll.insertOne({ _id: 2, hospital: 'h1', mrn: 7 }));
    expect(compound).toMatchObject({ code: 11000, keyPattern: { hospital: 1, mrn: 1 }, keyValue: { hospital: 'h1', mrn: 7 } });
    expect(compound.message).toBe(
      `E11000 duplicate key error collection: ${t.db.databaseName}.${coll.collectionName} index: hospital_1_mrn_1 dup key: { hospital: "h1", mrn: 7 }`,
    );

    await coll.insertOne({ _id: 3, hospital: 'h2' });
    const missing = await serverError(coll.insertOne({ _id: 4, hospital: 'h2' }));
    expect(missing).toMatchObject({ code: 11000, keyValue: { hospital: 'h2', mrn: null } });
    expect(missing.message).toBe(
      `E11000 duplicate key error collection: ${t.db.databaseName}.${coll.collectionName} index: hospital_1_mrn_1 dup key: { hospital: "h2", mrn: null }`,
    );
  });

  it('from findOneAndUpdate as a command error named DuplicateKey', async () => {
    const coll = t.freshCollection('dup_fam');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, email: 'a@x.cn' });
    const error = await serverError(coll.findOneAndUpdate({ _id: 2 }, { $set: { email: 'a@x.cn' } }, { upsert: true }));
    expect(error).toMatchObject({ code: 11000, codeName: 'DuplicateKey', keyPattern: { email: 1 }, keyValue: { email: 'a@x.cn' } });
  });

  it('insertMany ordered stops at the duplicate; unordered reports each one', async () => {
    const ordered = t.freshCollection('dup_many_ordered');
    const orderedError = await ordered.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }]).catch((e: unknown) => e);
    expect(orderedError).toBeInstanceOf(MongoBulkWriteError);
    const o = orderedError as MongoBulkWriteError;
    expect(o.code).toBe(11000);
    expect(o.insertedCount).toBe(1);
    // The driver keeps index, code and errmsg of each write error (not keyPattern/keyValue).
    expect([o.writeErrors].flat().map((w) => ({ index: w.index, code: w.code, errmsg: w.errmsg }))).toEqual([
      {
        index: 1,
        code: 11000,
        errmsg: `E11000 duplicate key error collection: ${t.db.databaseName}.${ordered.collectionName} index: _id_ dup key: { _id: 1 }`,
      },
    ]);
    expect(await ordered.countDocuments()).toBe(1);

    const unordered = t.freshCollection('dup_many_unordered');
    const unorderedError = await unordered.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }], { ordered: false }).catch((e: unknown) => e);
    expect(unorderedError).toBeInstanceOf(MongoBulkWriteError);
    const u = unorderedError as MongoBulkWriteError;
    expect(u.insertedCount).toBe(2);
    expect([u.writeErrors].flat().map((w) => w.index)).toEqual([1, 3]);
    expect(await unordered.countDocuments()).toBe(2);
  });
});

describe('bad updates', () => {
  let coll: Collection<TestDocument>;

  beforeAll(async () => {
    coll = t.freshCollection('bad_updates');
    await coll.insertOne({ _id: 1, name: 'Ann', n: 1, a: 1, tags: ['x'] });
  });

  const cases: { title: string; update: Document; code: number; message?: string | RegExp }[] = [
    {
      title: 'an unknown modifier is FailedToParse (9)',
      update: { $frobnicate: { a: 1 } },
      code: 9,
      message: 'Unknown modifier: $frobnicate. Expected a valid update modifier or pipeline-style update specified as an array',
    },
    {
      title: '$inc of a string field is TypeMismatch (14)',
      update: { $inc: { name: 1 } },
      code: 14,
      message: "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'name' of non-numeric type string",
    },
    {
      title: '$inc by a string is TypeMismatch (14)',
      update: { $inc: { n: 'x' } },
      code: 14,
      message: 'Cannot increment with non-numeric argument: {n: "x"}',
    },
    {
      title: 'changing _id is ImmutableField (66)',
      update: { $set: { _id: 2 } },
      code: 66,
      message: "Performing an update on the path '_id' would modify the immutable field '_id'",
    },
    {
      title: 'two operators on one path is ConflictingUpdateOperators (40)',
      update: { $set: { a: 2 }, $inc: { a: 1 } },
      code: 40,
      message: "Updating the path 'a' would create a conflict at 'a'",
    },
    {
      title: 'a path and its parent is ConflictingUpdateOperators (40)',
      update: { $set: { 'tags.0': 'y', tags: [] } },
      code: 40,
    },
    {
      title: '$push onto a non-array is BadValue (2)',
      update: { $push: { a: 1 } },
      code: 2,
      message: "The field 'a' must be an array but is of type int in document {_id: 1}",
    },
    {
      title: 'a field below a scalar is PathNotViable (28)',
      update: { $set: { 'a.b': 1 } },
      code: 28,
      message: "Cannot create field 'b' in element {a: 1}",
    },
  ];

  for (const { title, update, code, message } of cases) {
    it(title, async () => {
      const error = await serverError(coll.updateOne({ _id: 1 }, update));
      expect(error.code).toBe(code);
      if (typeof message === 'string') expect(error.message).toBe(message);
      // The document is untouched.
      expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'Ann', n: 1, a: 1, tags: ['x'] });
    });
  }
});

describe('bad documents', () => {
  it('a replacement that changes _id is ImmutableField (66)', async () => {
    const coll = t.freshCollection('replace_id');
    await coll.insertOne({ _id: 1, v: 1 });
    const error = await serverError(coll.replaceOne({ _id: 1 }, { _id: 2, v: 2 }));
    expect(error.code).toBe(66);
    expect(await coll.find().toArray()).toEqual([{ _id: 1, v: 1 }]);
  });

  it('an array _id is BadValue (2)', async () => {
    const coll = t.freshCollection('array_id');
    const error = await serverError(coll.insertOne({ _id: [1, 2] as unknown as number }));
    expect(error.code).toBe(2);
    expect(error.message).toBe("can't use an array for _id");
    expect(await coll.countDocuments()).toBe(0);
  });
});

describe('bad queries and commands', () => {
  it('an unknown query operator is BadValue (2)', async () => {
    const coll = t.freshCollection('bad_query');
    await coll.insertOne({ _id: 1, a: 1 });
    const error = await serverError(coll.find({ a: { $frobnicate: 1 } }).toArray());
    expect(error).toMatchObject({ code: 2, codeName: 'BadValue', message: 'unknown operator: $frobnicate' });
    const topLevel = await serverError(coll.find({ $frobnicate: 1 }).toArray());
    expect(topLevel).toMatchObject({ code: 2, codeName: 'BadValue' });
  });

  it('$text is an error, never a silent result', async () => {
    const coll = t.freshCollection('text');
    await coll.insertMany([
      { _id: 1, note: 'chest pain' },
      { _id: 2, note: 'headache' },
    ]);
    const error = await serverError(coll.find({ $text: { $search: 'pain' } }).toArray());
    expect(typeof error.code).toBe('number');
  });

  it('mixing inclusion and exclusion in a projection is error 31254', async () => {
    const coll = t.freshCollection('bad_projection');
    await coll.insertOne({ _id: 1, a: 1, b: 2 });
    const error = await serverError(coll.find({}, { projection: { a: 1, b: 0 } }).toArray());
    expect(error).toMatchObject({ code: 31254, codeName: 'Location31254', message: 'Cannot do exclusion on field b in inclusion projection' });
  });

  it('an unknown pipeline stage is 40324 and an unknown expression is InvalidPipelineOperator (168)', async () => {
    const coll = t.freshCollection('bad_pipeline');
    await coll.insertOne({ _id: 1 });
    const stage = await serverError(coll.aggregate([{ $frobnicate: {} }]).toArray());
    expect(stage).toMatchObject({ code: 40324, codeName: 'Location40324', message: "Unrecognized pipeline stage name: '$frobnicate'" });
    const expression = await serverError(coll.aggregate([{ $project: { x: { $frobnicate: 1 } } }]).toArray());
    expect(expression).toMatchObject({ code: 168, codeName: 'InvalidPipelineOperator' });
    expect(expression.message).toMatch(/Unrecognized expression '\$frobnicate'/);
  });

  it('$group without _id is error 15955', async () => {
    const coll = t.freshCollection('bad_group');
    await coll.insertOne({ _id: 1 });
    const error = await serverError(coll.aggregate([{ $group: { n: { $sum: 1 } } }]).toArray());
    expect(error).toMatchObject({ code: 15955, codeName: 'Location15955', message: 'a group specification must include an _id' });
  });

  it('an unknown command field is 40415, a field of the wrong type TypeMismatch (14)', async () => {
    const unknown = await serverError(t.db.command({ find: 'anything', frobnicate: 1 }));
    expect(unknown).toMatchObject({ code: 40415, codeName: 'Location40415', message: "BSON field 'find.frobnicate' is an unknown field." });
    const wrongType = await serverError(t.db.command({ find: 'anything', limit: 'ten' }));
    expect(wrongType).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
  });

  it('an invalid collection name is InvalidNamespace (73)', async () => {
    const error = await serverError(t.db.collection<TestDocument>('bad$name').insertOne({ _id: 1 }));
    expect(error).toMatchObject({ code: 73, codeName: 'InvalidNamespace' });
  });
});
