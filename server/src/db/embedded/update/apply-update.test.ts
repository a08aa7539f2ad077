import { Decimal128, Double, EJSON, Long, ObjectId, Timestamp, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { MongoCommandError } from '../errors.js';
import {
  applyUpdate,
  isReplacementUpdate,
  upsertSeedFromFilter,
  validateUpdate,
  type ApplyUpdateOptions,
} from './apply-update.js';

const NOW = new Date('2024-03-10T01:30:00.000Z');

interface Case {
  name: string;
  doc: Document;
  update: Document | Document[];
  options?: ApplyUpdateOptions;
  expected: Document;
  modified?: boolean;
}

function run(c: Case): void {
  const before = EJSON.stringify(c.doc, { relaxed: false });
  const result = applyUpdate(c.doc, c.update, { now: NOW, ...c.options });
  expect(result.doc).toEqual(c.expected);
  // Field order matters to MongoDB users (new fields are appended in path order).
  expect(Object.keys(result.doc)).toEqual(Object.keys(c.expected));
  expect(result.modified).toBe(c.modified ?? true);
  expect(EJSON.stringify(c.doc, { relaxed: false })).toBe(before); // stored documents are immutable
}

function errorOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MongoCommandError);
    const e = err as MongoCommandError;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected an error');
}

describe('applyUpdate: $set / $unset / paths', () => {
  const cases: Case[] = [
    { name: 'sets a top-level field', doc: { _id: 1, a: 1 }, update: { $set: { a: 2 } }, expected: { _id: 1, a: 2 } },
    {
      name: 'creates intermediate documents for dotted paths',
      doc: { _id: 1 },
      update: { $set: { 'a.b.c': 1 } },
      expected: { _id: 1, a: { b: { c: 1 } } },
    },
    {
      name: 'adds new fields in path order, not update order',
      doc: { _id: 1 },
      update: { $set: { b: 1, a: 1 }, $inc: { c: 1 } },
      expected: { _id: 1, a: 1, b: 1, c: 1 },
    },
    {
      name: 'numeric part indexes an array',
      doc: { _id: 1, a: [1, 2, 3] },
      update: { $set: { 'a.1': 20 } },
      expected: { _id: 1, a: [1, 20, 3] },
    },
    {
      name: 'writing past the end pads the array with null',
      doc: { _id: 1, a: [1] },
      update: { $set: { 'a.3': 4 } },
      expected: { _id: 1, a: [1, null, null, 4] },
    },
    {
      name: 'numeric part on a missing field creates a document, not an array',
      doc: { _id: 1 },
      update: { $set: { 'a.0': 1 } },
      expected: { _id: 1, a: { '0': 1 } },
    },
    {
      name: 'numeric part inside array element document',
      doc: { _id: 1, a: [{ b: 1 }, { b: 2 }] },
      update: { $set: { 'a.1.b': 3 } },
      expected: { _id: 1, a: [{ b: 1 }, { b: 3 }] },
    },
    {
      name: 'same value is not a modification',
      doc: { _id: 1, a: 1 },
      update: { $set: { a: 1 } },
      expected: { _id: 1, a: 1 },
      modified: false,
    },
    {
      name: 'Long 1 over number 1 is a modification (type changes)',
      doc: { _id: 1, a: 1 },
      update: { $set: { a: Long.fromNumber(1) } },
      expected: { _id: 1, a: Long.fromNumber(1) },
    },
    { name: 'empty $set is a no-op', doc: { _id: 1, a: 1 }, update: { $set: {} }, expected: { _id: 1, a: 1 }, modified: false },
    { name: '$unset removes a field', doc: { _id: 1, a: 1, b: 2 }, update: { $unset: { a: '' } }, expected: { _id: 1, b: 2 } },
    {
      name: '$unset of a missing field is a no-op',
      doc: { _id: 1, a: 1 },
      update: { $unset: { 'x.y': 1 } },
      expected: { _id: 1, a: 1 },
      modified: false,
    },
    {
      name: '$unset through a scalar is a no-op',
      doc: { _id: 1, a: 1 },
      update: { $unset: { 'a.b': 1 } },
      expected: { _id: 1, a: 1 },
      modified: false,
    },
    {
      name: '$unset into an array by name is a no-op',
      doc: { _id: 1, a: [1] },
      update: { $unset: { 'a.b': 1 } },
      expected: { _id: 1, a: [1] },
      modified: false,
    },
    {
      name: '$pull on a missing nested path is a no-op',
      doc: { _id: 1, a: {} },
      update: { $pull: { 'a.b.c': 1 } },
      expected: { _id: 1, a: {} },
      modified: false,
    },
    {
      name: '$unset of an array element sets it to null',
      doc: { _id: 1, a: [1, 2, 3] },
      update: { $unset: { 'a.1': 1 } },
      expected: { _id: 1, a: [1, null, 3] },
    },
    {
      name: '$set of _id to the same value is allowed',
      doc: { _id: 1, a: 1 },
      update: { $set: { _id: 1, a: 2 } },
      expected: { _id: 1, a: 2 },
    },
    {
      name: '$setOnInsert is ignored on update',
      doc: { _id: 1 },
      update: { $set: { a: 1 }, $setOnInsert: { b: 1 } },
      expected: { _id: 1, a: 1 },
    },
    {
      name: '$setOnInsert applies on insert',
      doc: { _id: 1 },
      update: { $set: { a: 1 }, $setOnInsert: { b: 1 } },
      options: { isInsert: true },
      expected: { _id: 1, a: 1, b: 1 },
    },
    {
      name: '$set copies values (the update document is not shared)',
      doc: { _id: 1 },
      update: { $set: { a: { b: [1] } } },
      expected: { _id: 1, a: { b: [1] } },
    },
  ];
  it.each(cases)('$name', run);

  it('does not share objects with the update document', () => {
    const value = { b: [1] };
    const { doc } = applyUpdate({ _id: 1 }, { $set: { a: value } });
    expect(doc.a).not.toBe(value);
    expect(doc.a.b).not.toBe(value.b);
  });

  it('returns the same object when nothing changed', () => {
    const doc = { _id: 1, a: 1 };
    expect(applyUpdate(doc, { $set: { a: 1 } }).doc).toBe(doc);
  });

  it('does not mutate nested arrays of the stored document', () => {
    const doc = { _id: 1, a: { b: [1, 2] } };
    const result = applyUpdate(doc, { $push: { 'a.b': 3 } });
    expect(doc).toEqual({ _id: 1, a: { b: [1, 2] } });
    expect(result.doc).toEqual({ _id: 1, a: { b: [1, 2, 3] } });
  });
});

describe('applyUpdate: arithmetic keeps BSON numeric types', () => {
  const cases: Case[] = [
    { name: 'number + number', doc: { _id: 1, a: 5 }, update: { $inc: { a: 2 } }, expected: { _id: 1, a: 7 } },
    { name: 'double increment', doc: { _id: 1, a: 1.5 }, update: { $inc: { a: 0.25 } }, expected: { _id: 1, a: 1.75 } },
    { name: 'missing field takes the increment', doc: { _id: 1 }, update: { $inc: { a: 3 } }, expected: { _id: 1, a: 3 } },
    {
      name: 'Long + 1 stays Long',
      doc: { _id: 1, a: Long.fromNumber(5) },
      update: { $inc: { a: 1 } },
      expected: { _id: 1, a: Long.fromNumber(6) },
    },
    {
      name: 'number + Long becomes Long',
      doc: { _id: 1, a: 5 },
      update: { $inc: { a: Long.fromNumber(1) } },
      expected: { _id: 1, a: Long.fromNumber(6) },
    },
    {
      name: 'Long beyond 2^53 stays exact',
      doc: { _id: 1, a: Long.fromString('9007199254740993') },
      update: { $inc: { a: 1 } },
      expected: { _id: 1, a: Long.fromString('9007199254740994') },
    },
    {
      name: 'Long + fractional double becomes a double',
      doc: { _id: 1, a: Long.fromNumber(5) },
      update: { $inc: { a: 0.5 } },
      expected: { _id: 1, a: 5.5 },
    },
    {
      name: 'Decimal128 + number stays Decimal128 and exact',
      doc: { _id: 1, a: Decimal128.fromString('0.1') },
      update: { $inc: { a: Decimal128.fromString('0.2') } },
      expected: { _id: 1, a: Decimal128.fromString('0.3') },
    },
    {
      name: 'number + Decimal128 becomes Decimal128',
      doc: { _id: 1, a: 1 },
      update: { $inc: { a: Decimal128.fromString('1.25') } },
      expected: { _id: 1, a: Decimal128.fromString('2.25') },
    },
    { name: '$mul numbers', doc: { _id: 1, a: 3 }, update: { $mul: { a: 4 } }, expected: { _id: 1, a: 12 } },
    {
      name: '$mul Long by number',
      doc: { _id: 1, a: Long.fromNumber(3) },
      update: { $mul: { a: 4 } },
      expected: { _id: 1, a: Long.fromNumber(12) },
    },
    {
      name: '$mul Decimal128',
      doc: { _id: 1, a: Decimal128.fromString('1.5') },
      update: { $mul: { a: 2 } },
      expected: { _id: 1, a: Decimal128.fromString('3.0') },
    },
    { name: '$mul on a missing field sets 0', doc: { _id: 1 }, update: { $mul: { a: 5 } }, expected: { _id: 1, a: 0 } },
    {
      name: '$mul on a missing field with a Long sets Long 0',
      doc: { _id: 1 },
      update: { $mul: { a: Long.fromNumber(5) } },
      expected: { _id: 1, a: Long.fromNumber(0) },
    },
    {
      name: '$inc by 0 is not a modification',
      doc: { _id: 1, a: 1 },
      update: { $inc: { a: 0 } },
      expected: { _id: 1, a: 1 },
      modified: false,
    },
    {
      // An overflowing Int32 widens to a Long, as in MongoDB.
      name: 'Int32 overflow widens to Long',
      doc: { _id: 1, a: 2147483647 },
      update: { $inc: { a: 1 } },
      expected: { _id: 1, a: Long.fromNumber(2147483648) },
    },
    {
      // An integral Double stays a Double (wrapped, or it would be written back as Int32).
      name: 'a Double operand keeps the result a Double',
      doc: { _id: 1, a: 1 },
      update: { $inc: { a: new Double(2) } },
      expected: { _id: 1, a: new Double(3) },
    },
    {
      name: '$bit and/or/xor',
      doc: { _id: 1, a: 13, b: 3, c: 1 },
      update: { $bit: { a: { and: 10 }, b: { or: 5 }, c: { xor: 5 } } },
      expected: { _id: 1, a: 8, b: 7, c: 4 },
    },
    {
      name: '$bit on Long stays Long',
      doc: { _id: 1, a: Long.fromNumber(12) },
      update: { $bit: { a: { or: 1 } } },
      expected: { _id: 1, a: Long.fromNumber(13) },
    },
  ];
  it.each(cases)('$name', run);

  it('keeps the Long class for Long results', () => {
    const { doc } = applyUpdate({ _id: 1, a: Long.fromNumber(5) }, { $inc: { a: 1 } });
    expect(doc.a).toBeInstanceOf(Long);
    expect(String(doc.a)).toBe('6');
  });

  it('keeps the Decimal128 class for decimal results', () => {
    const { doc } = applyUpdate({ _id: 1, a: Decimal128.fromString('10.05') }, { $inc: { a: -0.05 } });
    expect(doc.a).toBeInstanceOf(Decimal128);
    expect(String(doc.a)).toBe('10.00');
  });
});

describe('applyUpdate: $min / $max / $currentDate', () => {
  const cases: Case[] = [
    { name: '$min lowers', doc: { _id: 1, a: 5 }, update: { $min: { a: 3 } }, expected: { _id: 1, a: 3 } },
    { name: '$min keeps lower', doc: { _id: 1, a: 2 }, update: { $min: { a: 3 } }, expected: { _id: 1, a: 2 }, modified: false },
    { name: '$max raises', doc: { _id: 1, a: 5 }, update: { $max: { a: 8 } }, expected: { _id: 1, a: 8 } },
    { name: '$max on missing sets', doc: { _id: 1 }, update: { $max: { a: 8 } }, expected: { _id: 1, a: 8 } },
    {
      name: '$min across types: null sorts below numbers',
      doc: { _id: 1, a: 5 },
      update: { $min: { a: null } },
      expected: { _id: 1, a: null },
    },
    {
      name: '$max across types: a string sorts above numbers',
      doc: { _id: 1, a: 5 },
      update: { $max: { a: 'x' } },
      expected: { _id: 1, a: 'x' },
    },
    {
      name: '$max compares Long with number numerically',
      doc: { _id: 1, a: Long.fromNumber(10) },
      update: { $max: { a: 9 } },
      expected: { _id: 1, a: Long.fromNumber(10) },
      modified: false,
    },
    {
      name: '$min on dates',
      doc: { _id: 1, d: new Date('2024-01-02') },
      update: { $min: { d: new Date('2024-01-01') } },
      expected: { _id: 1, d: new Date('2024-01-01') },
    },
    {
      name: '$currentDate true',
      doc: { _id: 1 },
      update: { $currentDate: { at: true, 'x.y': { $type: 'date' } } },
      expected: { _id: 1, at: NOW, x: { y: NOW } },
    },
  ];
  it.each(cases)('$name', run);

  it('$currentDate with $type timestamp sets a Timestamp of the clock', () => {
    const { doc } = applyUpdate({ _id: 1 }, { $currentDate: { ts: { $type: 'timestamp' } } }, { now: NOW });
    expect(doc.ts).toBeInstanceOf(Timestamp);
    expect((doc.ts as Timestamp).t).toBe(NOW.getTime() / 1000);
  });
});

describe('applyUpdate: $rename', () => {
  const cases: Case[] = [
    { name: 'renames a field', doc: { _id: 1, a: 1, b: 2 }, update: { $rename: { a: 'c' } }, expected: { _id: 1, b: 2, c: 1 } },
    {
      name: 'renames into a nested path',
      doc: { _id: 1, a: 1 },
      update: { $rename: { a: 'x.y' } },
      expected: { _id: 1, x: { y: 1 } },
    },
    {
      name: 'renames out of a nested path and overwrites the target in place',
      doc: { _id: 1, b: 0, x: { y: 1, z: 2 } },
      update: { $rename: { 'x.y': 'b' } },
      expected: { _id: 1, b: 1, x: { z: 2 } },
    },
    {
      name: 'missing source is a no-op',
      doc: { _id: 1, a: 1 },
      update: { $rename: { q: 'r' } },
      expected: { _id: 1, a: 1 },
      modified: false,
    },
  ];
  it.each(cases)('$name', run);
});

describe('applyUpdate: $push with modifiers', () => {
  const cases: Case[] = [
    { name: 'appends one value', doc: { _id: 1, a: [1] }, update: { $push: { a: 2 } }, expected: { _id: 1, a: [1, 2] } },
    { name: 'creates the array', doc: { _id: 1 }, update: { $push: { a: 1 } }, expected: { _id: 1, a: [1] } },
    {
      name: 'pushes an array as one element',
      doc: { _id: 1, a: [] },
      update: { $push: { a: [1, 2] } },
      expected: { _id: 1, a: [[1, 2]] },
    },
    { name: '$each', doc: { _id: 1, a: [1] }, update: { $push: { a: { $each: [2, 3] } } }, expected: { _id: 1, a: [1, 2, 3] } },
    {
      name: '$each with $position 0',
      doc: { _id: 1, a: [3, 4] },
      update: { $push: { a: { $each: [1, 2], $position: 0 } } },
      expected: { _id: 1, a: [1, 2, 3, 4] },
    },
    {
      name: '$position negative counts from the end',
      doc: { _id: 1, a: [1, 2, 3] },
      update: { $push: { a: { $each: [9], $position: -1 } } },
      expected: { _id: 1, a: [1, 2, 9, 3] },
    },
    {
      name: '$position past the end appends',
      doc: { _id: 1, a: [1] },
      update: { $push: { a: { $each: [9], $position: 10 } } },
      expected: { _id: 1, a: [1, 9] },
    },
    {
      name: '$slice keeps the first n',
      doc: { _id: 1, a: [1, 2] },
      update: { $push: { a: { $each: [3, 4], $slice: 3 } } },
      expected: { _id: 1, a: [1, 2, 3] },
    },
    {
      name: '$slice negative keeps the last n',
      doc: { _id: 1, a: [1, 2] },
      update: { $push: { a: { $each: [3, 4], $slice: -2 } } },
      expected: { _id: 1, a: [3, 4] },
    },
    {
      name: '$slice 0 empties',
      doc: { _id: 1, a: [1, 2] },
      update: { $push: { a: { $each: [3], $slice: 0 } } },
      expected: { _id: 1, a: [] },
    },
    {
      name: '$sort 1 then $slice',
      doc: { _id: 1, a: [5, 1] },
      update: { $push: { a: { $each: [3, 2], $sort: 1, $slice: 3 } } },
      expected: { _id: 1, a: [1, 2, 3] },
    },
    {
      name: '$each + $position + $sort + $slice on documents (sort wins over position)',
      doc: { _id: 1, quizzes: [{ wk: 1, score: 10 }, { wk: 2, score: 8 }] },
      update: {
        $push: {
          quizzes: { $each: [{ wk: 5, score: 8 }, { wk: 6, score: 7 }, { wk: 7, score: 6 }], $position: 0, $sort: { score: -1 }, $slice: 3 },
        },
      },
      expected: { _id: 1, quizzes: [{ wk: 1, score: 10 }, { wk: 5, score: 8 }, { wk: 2, score: 8 }] },
    },
    {
      name: '$sort by a dotted field, descending',
      doc: { _id: 1, a: [{ x: { y: 1 } }, { x: { y: 3 } }] },
      update: { $push: { a: { $each: [{ x: { y: 2 } }], $sort: { 'x.y': -1 } } } },
      expected: { _id: 1, a: [{ x: { y: 3 } }, { x: { y: 2 } }, { x: { y: 1 } }] },
    },
    {
      name: '$sort with empty $each sorts the existing array',
      doc: { _id: 1, a: [3, 1, 2] },
      update: { $push: { a: { $each: [], $sort: -1 } } },
      expected: { _id: 1, a: [3, 2, 1] },
    },
    {
      name: '$sort orders mixed types in BSON order',
      doc: { _id: 1, a: ['b', 2, null, { x: 1 }, 1] },
      update: { $push: { a: { $each: [], $sort: 1 } } },
      expected: { _id: 1, a: [null, 1, 2, 'b', { x: 1 }] },
    },
  ];
  it.each(cases)('$name', run);
});

describe('applyUpdate: $addToSet / $pop / $pull / $pullAll', () => {
  const oid = new ObjectId('65f000000000000000000001');
  const cases: Case[] = [
    { name: '$addToSet adds a new value', doc: { _id: 1, a: [1] }, update: { $addToSet: { a: 2 } }, expected: { _id: 1, a: [1, 2] } },
    {
      name: '$addToSet skips an existing value',
      doc: { _id: 1, a: [1, 2] },
      update: { $addToSet: { a: 2 } },
      expected: { _id: 1, a: [1, 2] },
      modified: false,
    },
    {
      name: '$addToSet treats Long 1 as equal to 1',
      doc: { _id: 1, a: [1] },
      update: { $addToSet: { a: Long.fromNumber(1) } },
      expected: { _id: 1, a: [1] },
      modified: false,
    },
    {
      name: '$addToSet compares documents deeply (field order matters)',
      doc: { _id: 1, a: [{ x: 1, y: 2 }] },
      update: { $addToSet: { a: { $each: [{ x: 1, y: 2 }, { y: 2, x: 1 }] } } },
      expected: { _id: 1, a: [{ x: 1, y: 2 }, { y: 2, x: 1 }] },
    },
    {
      name: '$addToSet compares ObjectIds by value',
      doc: { _id: 1, a: [oid] },
      update: { $addToSet: { a: new ObjectId(oid.toHexString()) } },
      expected: { _id: 1, a: [oid] },
      modified: false,
    },
    {
      name: '$addToSet $each dedups its own values and creates the array',
      doc: { _id: 1 },
      update: { $addToSet: { a: { $each: [1, 1, 2] } } },
      expected: { _id: 1, a: [1, 2] },
    },
    { name: '$pop 1 removes the last', doc: { _id: 1, a: [1, 2, 3] }, update: { $pop: { a: 1 } }, expected: { _id: 1, a: [1, 2] } },
    { name: '$pop -1 removes the first', doc: { _id: 1, a: [1, 2, 3] }, update: { $pop: { a: -1 } }, expected: { _id: 1, a: [2, 3] } },
    { name: '$pop on missing is a no-op', doc: { _id: 1 }, update: { $pop: { a: 1 } }, expected: { _id: 1 }, modified: false },
    { name: '$pull a value', doc: { _id: 1, a: [1, 2, 1, 3] }, update: { $pull: { a: 1 } }, expected: { _id: 1, a: [2, 3] } },
    {
      name: '$pull with a condition on scalars',
      doc: { _id: 1, votes: [3, 5, 6, 7, 7, 8] },
      update: { $pull: { votes: { $gte: 6 } } },
      expected: { _id: 1, votes: [3, 5] },
    },
    {
      name: '$pull with $in',
      doc: { _id: 1, fruits: ['apples', 'pears', 'oranges', 'grapes'] },
      update: { $pull: { fruits: { $in: ['apples', 'oranges'] } } },
      expected: { _id: 1, fruits: ['pears', 'grapes'] },
    },
    {
      name: '$pull with a query on embedded documents (partial match)',
      doc: { _id: 1, results: [{ item: 'A', score: 5 }, { item: 'B', score: 8 }, { item: 'C', score: 8 }] },
      update: { $pull: { results: { score: 8, item: 'B' } } },
      expected: { _id: 1, results: [{ item: 'A', score: 5 }, { item: 'C', score: 8 }] },
    },
    {
      name: '$pull with a query with an operator on a field',
      doc: { _id: 1, results: [{ score: 5 }, { score: 9 }, 7] },
      update: { $pull: { results: { score: { $gt: 6 } } } },
      expected: { _id: 1, results: [{ score: 5 }, 7] },
    },
    {
      name: '$pull an array value by equality',
      doc: { _id: 1, a: [[1, 2], [2, 1]] },
      update: { $pull: { a: [1, 2] } },
      expected: { _id: 1, a: [[2, 1]] },
    },
    {
      name: '$pull with a regex',
      doc: { _id: 1, a: ['apple', 'banana', 'avocado'] },
      update: { $pull: { a: /^a/ } },
      expected: { _id: 1, a: ['banana'] },
    },
    {
      name: '$pull nothing matching is a no-op',
      doc: { _id: 1, a: [1, 2] },
      update: { $pull: { a: 5 } },
      expected: { _id: 1, a: [1, 2] },
      modified: false,
    },
    {
      name: '$pull with a condition on Decimal128 values',
      doc: { _id: 1, a: [Decimal128.fromString('1.5'), Decimal128.fromString('9.5')] },
      update: { $pull: { a: { $gt: 5 } } },
      expected: { _id: 1, a: [Decimal128.fromString('1.5')] },
    },
    {
      name: '$pullAll',
      doc: { _id: 1, a: [0, 2, 5, 5, 1, 0] },
      update: { $pullAll: { a: [0, 5] } },
      expected: { _id: 1, a: [2, 1] },
    },
  ];
  it.each(cases)('$name', run);
});

describe('applyUpdate: positional operators', () => {
  const cases: Case[] = [
    {
      name: '$ with an equality on a scalar array',
      doc: { _id: 1, grades: [80, 85, 90] },
      update: { $set: { 'grades.$': 82 } },
      options: { filter: { _id: 1, grades: 85 } },
      expected: { _id: 1, grades: [80, 82, 90] },
    },
    {
      name: '$ with a dotted condition on embedded documents',
      doc: { _id: 1, grades: [{ grade: 80, std: 8 }, { grade: 85, std: 6 }, { grade: 85, std: 8 }] },
      update: { $set: { 'grades.$.std': 6.5 } },
      options: { filter: { _id: 1, 'grades.grade': 85 } },
      expected: { _id: 1, grades: [{ grade: 80, std: 8 }, { grade: 85, std: 6.5 }, { grade: 85, std: 8 }] },
    },
    {
      name: '$ with $elemMatch',
      doc: { _id: 1, grades: [{ grade: 80, mean: 75 }, { grade: 85, mean: 90 }, { grade: 90, mean: 85 }] },
      update: { $inc: { 'grades.$.grade': 1 } },
      options: { filter: { grades: { $elemMatch: { grade: { $gte: 85 }, mean: { $lt: 88 } } } } },
      expected: { _id: 1, grades: [{ grade: 80, mean: 75 }, { grade: 85, mean: 90 }, { grade: 91, mean: 85 }] },
    },
    {
      name: '$ with a range condition inside $and',
      doc: { _id: 1, tags: ['a', 'x', 'y'] },
      update: { $set: { 'tags.$': 'z' } },
      options: { filter: { $and: [{ _id: 1 }, { tags: { $gte: 'x' } }] } },
      expected: { _id: 1, tags: ['a', 'z', 'y'] },
    },
    {
      name: '$[] updates every element',
      doc: { _id: 1, grades: [85, 82, 80] },
      update: { $inc: { 'grades.$[]': 10 } },
      expected: { _id: 1, grades: [95, 92, 90] },
    },
    {
      name: '$[] with a sub-field',
      doc: { _id: 1, grades: [{ g: 1 }, { g: 2 }] },
      update: { $set: { 'grades.$[].ok': true } },
      expected: { _id: 1, grades: [{ g: 1, ok: true }, { g: 2, ok: true }] },
    },
    {
      name: '$[] on an empty array is a no-op',
      doc: { _id: 1, a: [] },
      update: { $set: { 'a.$[]': 1 } },
      expected: { _id: 1, a: [] },
      modified: false,
    },
    {
      name: '$[id] with a scalar filter',
      doc: { _id: 1, grades: [95, 92, 90] },
      update: { $set: { 'grades.$[element]': 100 } },
      options: { arrayFilters: [{ element: { $gte: 92 } }] },
      expected: { _id: 1, grades: [100, 100, 90] },
    },
    {
      name: '$[id] with a field filter',
      doc: { _id: 1, grades: [{ grade: 80, mean: 75 }, { grade: 85, mean: 90 }, { grade: 90, mean: 85 }] },
      update: { $set: { 'grades.$[elem].mean': 100 } },
      options: { arrayFilters: [{ 'elem.grade': { $gte: 85 } }] },
      expected: { _id: 1, grades: [{ grade: 80, mean: 75 }, { grade: 85, mean: 100 }, { grade: 90, mean: 100 }] },
    },
    {
      name: 'nested $[i].$[j]',
      doc: { _id: 1, a: [{ x: 1, b: [{ y: 1, c: 0 }, { y: 2, c: 0 }] }, { x: 2, b: [{ y: 1, c: 0 }] }] },
      update: { $set: { 'a.$[i].b.$[j].c': 9 } },
      options: { arrayFilters: [{ 'i.x': 1 }, { 'j.y': 1 }] },
      expected: { _id: 1, a: [{ x: 1, b: [{ y: 1, c: 9 }, { y: 2, c: 0 }] }, { x: 2, b: [{ y: 1, c: 0 }] }] },
    },
    {
      name: '$[] combined with $[id]',
      doc: { _id: 1, a: [{ b: [1, 5] }, { b: [6, 2] }] },
      update: { $inc: { 'a.$[].b.$[big]': 100 } },
      options: { arrayFilters: [{ big: { $gt: 4 } }] },
      expected: { _id: 1, a: [{ b: [1, 105] }, { b: [106, 2] }] },
    },
    {
      name: '$[id] filter compares Long values numerically',
      doc: { _id: 1, items: [{ qty: Long.fromNumber(3) }, { qty: Long.fromNumber(9) }] },
      update: { $set: { 'items.$[big].flag': true } },
      options: { arrayFilters: [{ 'big.qty': { $gte: Long.fromNumber(5) } }] },
      expected: { _id: 1, items: [{ qty: Long.fromNumber(3) }, { qty: Long.fromNumber(9), flag: true }] },
    },
    {
      name: '$[id] filter on an ObjectId',
      doc: { _id: 1, refs: [{ id: new ObjectId('65f000000000000000000003'), n: 1 }, { id: new ObjectId('65f000000000000000000004'), n: 1 }] },
      update: { $inc: { 'refs.$[r].n': 1 } },
      options: { arrayFilters: [{ 'r.id': new ObjectId('65f000000000000000000004') }] },
      expected: { _id: 1, refs: [{ id: new ObjectId('65f000000000000000000003'), n: 1 }, { id: new ObjectId('65f000000000000000000004'), n: 2 }] },
    },
    {
      name: '$ found through a Long condition',
      doc: { _id: 1, a: [Long.fromNumber(1), Long.fromNumber(7)] },
      update: { $set: { 'a.$': 0 } },
      options: { filter: { a: { $gt: 5 } } },
      expected: { _id: 1, a: [Long.fromNumber(1), 0] },
    },
    {
      name: '$pull inside every element via $[]',
      doc: { _id: 1, a: [{ t: [1, 2] }, { t: [2, 3] }] },
      update: { $pull: { 'a.$[].t': 2 } },
      expected: { _id: 1, a: [{ t: [1] }, { t: [3] }] },
    },
  ];
  it.each(cases)('$name', run);
});

describe('applyUpdate: replacement and pipeline', () => {
  const cases: Case[] = [
    {
      name: 'replacement keeps _id',
      doc: { _id: 1, a: 1, b: 2 },
      update: { c: 3 },
      expected: { _id: 1, c: 3 },
    },
    {
      name: 'replacement repeating the same _id',
      doc: { _id: 1, a: 1 },
      update: { a: 2, _id: 1 },
      expected: { _id: 1, a: 2 },
    },
    {
      name: 'identical replacement is not a modification',
      doc: { _id: 1, a: 1 },
      update: { a: 1 },
      expected: { _id: 1, a: 1 },
      modified: false,
    },
    {
      name: 'pipeline $set with an expression',
      doc: { _id: 1, a: 2, b: 3 },
      update: [{ $set: { total: { $add: ['$a', '$b'] } } }, { $unset: 'b' }],
      expected: { _id: 1, a: 2, total: 5 },
    },
    {
      name: 'pipeline $$NOW is the update clock',
      doc: { _id: 1 },
      update: [{ $set: { at: '$$NOW' } }],
      expected: { _id: 1, at: NOW },
    },
    {
      name: 'pipeline $replaceWith keeps _id',
      doc: { _id: 1, inner: { x: 1 } },
      update: [{ $replaceWith: '$inner' }],
      expected: { _id: 1, x: 1 },
    },
  ];
  it.each(cases)('$name', run);

  it('isReplacementUpdate decides by the first field like MongoDB', () => {
    expect(isReplacementUpdate({ a: 1 })).toBe(true);
    expect(isReplacementUpdate({})).toBe(true);
    expect(isReplacementUpdate({ $set: { a: 1 } })).toBe(false);
    expect(isReplacementUpdate([{ $set: { a: 1 } }])).toBe(false);
  });
});

describe('upsertSeedFromFilter', () => {
  const oid = new ObjectId('65f000000000000000000002');
  const cases: { name: string; filter: Document; expected: Document }[] = [
    {
      name: 'equalities, dotted paths and $and',
      filter: { a: 1, 'b.c': 2, $and: [{ d: 3 }] },
      expected: { a: 1, b: { c: 2 }, d: 3 },
    },
    { name: '_id kept and put first', filter: { name: 'x', _id: oid }, expected: { _id: oid, name: 'x' } },
    { name: 'operators ignored', filter: { a: { $gt: 1 }, b: { $in: [1, 2] }, c: /x/ }, expected: {} },
    { name: '$eq honoured', filter: { a: { $eq: 5 } }, expected: { a: 5 } },
    { name: 'single-value $in is an equality', filter: { a: { $in: ['x'] } }, expected: { a: 'x' } },
    { name: 'embedded document equality', filter: { a: { x: 1, y: 2 } }, expected: { a: { x: 1, y: 2 } } },
    { name: 'one-branch $or', filter: { $or: [{ a: 1 }] }, expected: { a: 1 } },
    { name: 'multi-branch $or ignored', filter: { $or: [{ a: 1 }, { b: 2 }] }, expected: {} },
    { name: 'sibling dotted paths merge', filter: { 'a.b': 1, 'a.c': 2 }, expected: { a: { b: 1, c: 2 } } },
  ];
  it.each(cases)('$name', ({ filter, expected }) => {
    const seed = upsertSeedFromFilter(filter);
    expect(seed).toEqual(expected);
    expect(Object.keys(seed)).toEqual(Object.keys(expected));
  });

  it('rejects a path matched twice', () => {
    expect(errorOf(() => upsertSeedFromFilter({ a: 1, $and: [{ a: 2 }] }))).toEqual({
      code: 54,
      message: "cannot infer query fields to set, path 'a' is matched twice",
    });
  });

  it('seed + replacement keeps only the _id of the seed', () => {
    const seed = upsertSeedFromFilter({ _id: 7, status: 'new' });
    const { doc } = applyUpdate(seed, { name: 'x' }, { isInsert: true });
    expect(doc).toEqual({ _id: 7, name: 'x' });
  });

  it('seed without _id lets the update set one', () => {
    const { doc } = applyUpdate(upsertSeedFromFilter({ a: 1 }), { $set: { _id: 5 } }, { isInsert: true });
    expect(doc).toEqual({ _id: 5, a: 1 });
    expect(Object.keys(doc)).toEqual(['_id', 'a']);
  });

  it('seed + update with isInsert builds the upserted document', () => {
    const seed = upsertSeedFromFilter({ _id: 7, status: 'new' });
    const { doc } = applyUpdate(seed, { $set: { n: 1 }, $setOnInsert: { createdAt: NOW } }, { isInsert: true });
    expect(doc).toEqual({ _id: 7, status: 'new', createdAt: NOW, n: 1 });
  });
});

describe('errors', () => {
  const cases: { name: string; doc?: Document; update: Document | Document[]; options?: ApplyUpdateOptions; code: number; message: string }[] = [
    {
      name: 'modifier with a non-document value',
      update: { $set: 'abc' },
      code: 9,
      message: 'Modifiers operate on fields but we found type string instead. For example: {$mod: {<field>: ...}} not {$set: "abc"}',
    },
    {
      name: 'unknown modifier',
      update: { $foo: { a: 1 } },
      code: 9,
      message: 'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array',
    },
    {
      name: 'mixed operator and field',
      update: { $set: { a: 1 }, b: 1 },
      code: 9,
      message: 'Unknown modifier: b. Expected a valid update modifier or pipeline-style update specified as an array',
    },
    {
      name: 'conflict: same path in two operators',
      update: { $set: { a: 1 }, $inc: { a: 1 } },
      code: 40,
      message: "Updating the path 'a' would create a conflict at 'a'",
    },
    {
      name: 'conflict: child after parent',
      update: { $set: { a: 1 }, $inc: { 'a.b': 1 } },
      code: 40,
      message: "Updating the path 'a.b' would create a conflict at 'a'",
    },
    {
      name: 'conflict: parent after child',
      update: { $set: { 'a.b': 1 }, $unset: { a: 1 } },
      code: 40,
      message: "Updating the path 'a' would create a conflict at 'a'",
    },
    {
      name: 'conflict: $rename target with $set',
      update: { $rename: { a: 'b' }, $set: { b: 1 } },
      code: 40,
      message: "Updating the path 'b' would create a conflict at 'b'",
    },
    {
      name: '$inc on a string',
      doc: { _id: 1, a: 'x' },
      update: { $inc: { a: 1 } },
      code: 14,
      message: "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
    },
    {
      name: '$inc with a non-numeric argument',
      update: { $inc: { a: 'x' } },
      code: 14,
      message: 'Cannot increment with non-numeric argument: {a: "x"}',
    },
    {
      name: '$mul with a non-numeric argument',
      update: { $mul: { a: null } },
      code: 14,
      message: 'Cannot multiply with non-numeric argument: {a: null}',
    },
    {
      name: 'Long overflow',
      doc: { _id: 1, a: Long.MAX_VALUE },
      update: { $inc: { a: 1 } },
      code: 2,
      message: 'Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}',
    },
    {
      name: 'cannot create a field inside a scalar',
      doc: { _id: 1, a: 1 },
      update: { $set: { 'a.b': 1 } },
      code: 28,
      message: "Cannot create field 'b' in element {a: 1}",
    },
    {
      name: 'cannot create a named field inside an array',
      doc: { _id: 1, a: [1, 2] },
      update: { $set: { 'a.b': 1 } },
      code: 28,
      message: "Cannot create field 'b' in element {a: [ 1, 2 ]}",
    },
    {
      name: 'cannot create a field inside null',
      doc: { _id: 1, a: { b: null } },
      update: { $set: { 'a.b.c': 1 } },
      code: 28,
      message: "Cannot create field 'c' in element {b: null}",
    },
    {
      name: '$push to a non-array',
      doc: { _id: 1, a: 1 },
      update: { $push: { a: 2 } },
      code: 2,
      message: "The field 'a' must be an array but is of type int in document {_id: 1}",
    },
    {
      name: '$push $each not an array',
      update: { $push: { a: { $each: 1 } } },
      code: 2,
      message: 'The argument to $each in $push must be an array but it was of type: int',
    },
    {
      name: '$push bad $sort',
      update: { $push: { a: { $each: [1], $sort: 2 } } },
      code: 2,
      message: 'The $sort element value must be either 1 or -1',
    },
    {
      name: '$push unknown clause',
      update: { $push: { a: { $each: [1], $foo: 1 } } },
      code: 2,
      message: 'Unrecognized clause in $push: $foo',
    },
    {
      name: '$addToSet to a non-array',
      doc: { _id: 1, a: 'x' },
      update: { $addToSet: { a: 1 } },
      code: 2,
      message: "Cannot apply $addToSet to non-array field. Field named 'a' has non-array type string",
    },
    {
      name: '$pop bad value',
      update: { $pop: { a: 2 } },
      code: 9,
      message: '$pop expects 1 or -1, found: 2',
    },
    {
      name: '$pop on a non-array',
      doc: { _id: 1, a: 1 },
      update: { $pop: { a: 1 } },
      code: 14,
      message: "Path 'a' contains an element of non-array type 'int'",
    },
    {
      name: '$pop through a scalar',
      doc: { _id: 1, a: 1 },
      update: { $pop: { 'a.b': 1 } },
      code: 28,
      message: 'Cannot use the part (b) of (a.b) to traverse the element ({a: 1})',
    },
    {
      name: '$pull into an array by name',
      doc: { _id: 1, a: [1] },
      update: { $pull: { 'a.b': 1 } },
      code: 28,
      message: 'Cannot use the part (b) of (a.b) to traverse the element ({a: [ 1 ]})',
    },
    {
      name: '$pop not an integer',
      update: { $pop: { a: 1.5 } },
      code: 9,
      message: 'Expected an integer: a: 1.5',
    },
    {
      name: '$addToSet $each not an array',
      update: { $addToSet: { a: { $each: 1 } } },
      code: 14,
      message: 'The argument to $each in $addToSet must be an array but it was of type int',
    },
    {
      name: '$bit unknown operation',
      update: { $bit: { a: { nand: 1 } } },
      code: 2,
      message: "The $bit modifier only supports 'and', 'or', and 'xor', not 'nand' which is an unknown operator: {nand: 1}",
    },
    {
      name: '$bit on a double',
      doc: { _id: 1, a: 1.5 },
      update: { $bit: { a: { and: 1 } } },
      code: 2,
      message: 'Cannot apply $bit to a value of non-integral type._id: 1 has the field a of non-integer type double',
    },
    {
      name: '$pull on a non-array',
      doc: { _id: 1, a: 1 },
      update: { $pull: { a: 1 } },
      code: 2,
      message: 'Cannot apply $pull to a non-array value',
    },
    {
      name: 'positional without a matching filter',
      doc: { _id: 1, a: [1, 2] },
      update: { $set: { 'a.$': 1 } },
      options: { filter: { _id: 1 } },
      code: 2,
      message: 'The positional operator did not find the match needed from the query.',
    },
    {
      name: 'positional on upsert insert',
      doc: { _id: 1 },
      update: { $set: { 'a.$': 1 } },
      options: { filter: { _id: 1, a: 1 }, isInsert: true },
      code: 2,
      message: 'The positional operator did not find the match needed from the query.',
    },
    {
      name: 'missing array filter',
      doc: { _id: 1, a: [1] },
      update: { $set: { 'a.$[x]': 1 } },
      code: 2,
      message: "No array filter found for identifier 'x' in path 'a.$[x]'",
    },
    {
      name: 'unused array filter',
      doc: { _id: 1, a: [1] },
      update: { $set: { a: 1 } },
      options: { arrayFilters: [{ x: 1 }] },
      code: 9,
      message: "The array filter for identifier 'x' was not used in the update { $set: { a: 1 } }",
    },
    {
      name: 'array update on a missing path',
      doc: { _id: 1 },
      update: { $set: { 'a.$[]': 1 } },
      code: 2,
      message: "The path 'a' must exist in the document in order to apply array updates.",
    },
    {
      name: 'array update on a non-array',
      doc: { _id: 1, a: 5 },
      update: { $set: { 'a.$[]': 1 } },
      code: 2,
      message: 'Cannot apply array updates to non-array element a: 5',
    },
    {
      name: 'two array filters hitting the same element',
      doc: { _id: 1, a: [0] },
      update: { $set: { 'a.$[i]': 2, 'a.$[j]': 3 } },
      options: { arrayFilters: [{ i: 0 }, { j: 0 }] },
      code: 40,
      message: "Update created a conflict at 'a.0'",
    },
    {
      name: '$set _id to another value',
      doc: { _id: 1 },
      update: { $set: { _id: 2 } },
      code: 66,
      message: "Performing an update on the path '_id' would modify the immutable field '_id'",
    },
    {
      name: '$unset _id',
      doc: { _id: 1, a: 1 },
      update: { $unset: { _id: 1 } },
      code: 66,
      message: "Performing an update on the path '_id' would modify the immutable field '_id'",
    },
    {
      name: '$rename _id',
      doc: { _id: 1 },
      update: { $rename: { _id: 'x' } },
      code: 66,
      message: "Unsetting the path '_id' using $rename would modify the immutable field '_id'",
    },
    {
      name: 'replacement changing _id',
      doc: { _id: 1, a: 1 },
      update: { _id: 2, a: 1 },
      code: 66,
      message: "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2",
    },
    {
      name: 'replacement with a $-prefixed field',
      doc: { _id: 1 },
      update: { a: 1, $set: { b: 1 } },
      code: 52,
      message:
        "The dollar ($) prefixed field '$set' in '$set' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.",
    },
    {
      name: '$rename to the same path',
      update: { $rename: { a: 'a' } },
      code: 2,
      message: 'The source and target field for $rename must differ: a: "a"',
    },
    {
      name: '$rename onto its own child',
      update: { $rename: { a: 'a.b' } },
      code: 2,
      message: 'The source and target field for $rename must not be on the same path: a: "a.b"',
    },
    {
      name: '$rename with a non-string target',
      update: { $rename: { a: 1 } },
      code: 2,
      message: "The 'to' field for $rename must be a string: a: 1",
    },
    {
      name: '$rename out of an array element',
      doc: { _id: 1, a: [{ b: 1 }] },
      update: { $rename: { 'a.0.b': 'c' } },
      code: 2,
      message: "The source field cannot be an array element, 'a.0.b' in doc with _id: 1 has an array field called 'a'",
    },
    {
      name: '$set of a top-level $-prefixed field',
      update: { $set: { $foo: 1 } },
      code: 52,
      message:
        "The dollar ($) prefixed field '$foo' in '$foo' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.",
    },
    {
      name: 'empty path part',
      update: { $set: { 'a..b': 1 } },
      code: 56,
      message: "The update path 'a..b' contains an empty field name, which is not allowed.",
    },
    {
      name: '$currentDate bad type',
      update: { $currentDate: { a: { $type: 'x' } } },
      code: 2,
      message: "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
    },
    {
      name: 'pipeline with a forbidden stage',
      update: [{ $group: { _id: null } }],
      code: 72,
      message: '$group is not allowed to be used within an update',
    },
  ];
  it.each(cases)('$name', ({ doc, update, options, code, message }) => {
    expect(errorOf(() => applyUpdate(doc ?? { _id: 1 }, update, { now: NOW, ...options }))).toEqual({ code, message });
  });
});

describe('validateUpdate', () => {
  it('accepts valid updates of every style', () => {
    expect(() => validateUpdate({ $set: { a: 1 } })).not.toThrow();
    expect(() => validateUpdate({ a: 1 })).not.toThrow();
    expect(() => validateUpdate([{ $set: { a: 1 } }])).not.toThrow();
  });

  it('rejects a replacement for a multi update', () => {
    expect(errorOf(() => validateUpdate({ a: 1 }, { multi: true }))).toEqual({
      code: 9,
      message: 'multi update is not supported for replacement-style update',
    });
  });

  it('rejects conflicts and bad arguments before any document is read', () => {
    expect(errorOf(() => validateUpdate({ $set: { a: 1 }, $unset: { a: 1 } })).code).toBe(40);
    expect(errorOf(() => validateUpdate({ $inc: { a: 'x' } })).code).toBe(14);
  });
});
