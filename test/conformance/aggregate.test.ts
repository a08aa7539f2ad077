import { type Collection, type CommandStartedEvent, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useConformanceDb, type TestDocument } from '../support/mongo.js';

const t = useConformanceDb('aggregate', { clientOptions: { monitorCommands: true } });
let visits: Collection<TestDocument>;
let patients: Collection<TestDocument>;
const started: CommandStartedEvent[] = [];

const visitDocs: TestDocument[] = [
  { _id: 1, patientId: 'p1', dept: 'cardio', fee: 120, at: new Date('2024-03-01T01:00:00Z'), items: ['ecg', 'consult'] },
  { _id: 2, patientId: 'p2', dept: 'cardio', fee: 80, at: new Date('2024-03-01T17:30:00Z'), items: ['consult'] },
  { _id: 3, patientId: 'p1', dept: 'endo', fee: 200, at: new Date('2024-03-02T09:00:00Z'), items: [] },
  { _id: 4, patientId: 'p3', dept: 'endo', fee: 50, at: new Date('2024-03-03T15:59:59Z') },
  { _id: 5, patientId: 'p2', dept: 'ortho', fee: 300, at: new Date('2024-03-04T16:00:00Z'), items: ['xray', 'xray'] },
];

const patientDocs: TestDocument[] = [
  { _id: 'p1', name: 'Ann', city: 'Shanghai' },
  { _id: 'p2', name: 'Bo', city: 'Beijing' },
  { _id: 'p3', name: 'Chen', city: 'Shanghai' },
];

beforeAll(async () => {
  t.client.on('commandStarted', (event) => started.push(event));
  visits = t.db.collection('visits');
  patients = t.db.collection('patients');
  await visits.insertMany(visitDocs.map((d) => structuredClone(d)));
  await patients.insertMany(patientDocs.map((d) => structuredClone(d)));
});

const run = (coll: Collection<TestDocument>, pipeline: Document[]) => coll.aggregate(pipeline).toArray();

describe('document stages', () => {
  it('$match, $project with computed fields, and $sort', async () => {
    expect(
      await run(visits, [
        { $match: { dept: 'cardio' } },
        { $project: { _id: 0, patientId: 1, feeYuan: { $divide: ['$fee', 100] }, firstItem: { $arrayElemAt: ['$items', 0] } } },
        { $sort: { feeYuan: 1 } },
      ]),
    ).toEqual([
      { patientId: 'p2', feeYuan: 0.8, firstItem: 'consult' },
      { patientId: 'p1', feeYuan: 1.2, firstItem: 'ecg' },
    ]);
  });

  it('$project exclusion and nested paths', async () => {
    expect(await run(visits, [{ $match: { _id: 1 } }, { $project: { items: 0, at: 0, dept: 0 } }])).toEqual([{ _id: 1, patientId: 'p1', fee: 120 }]);
    expect(await run(visits, [{ $match: { _id: 1 } }, { $project: { 'meta.fee': '$fee', 'meta.dept': '$dept', label: { $literal: '$fee' } } }])).toEqual([
      { _id: 1, meta: { fee: 120, dept: 'cardio' }, label: '$fee' },
    ]);
  });

  it('$addFields, $set and $unset', async () => {
    expect(
      await run(visits, [
        { $match: { _id: 1 } },
        { $addFields: { vip: true, itemCount: { $size: '$items' } } },
        { $set: { fee: { $multiply: ['$fee', 2] } } },
        { $unset: ['items', 'at'] },
      ]),
    ).toEqual([{ _id: 1, patientId: 'p1', dept: 'cardio', fee: 240, vip: true, itemCount: 2 }]);
  });

  it('$sort, $skip and $limit', async () => {
    expect(await run(visits, [{ $sort: { fee: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }])).toEqual([{ _id: 3 }, { _id: 1 }]);
  });

  it('$$REMOVE leaves a field out', async () => {
    expect(
      await run(visits, [{ $match: { _id: { $in: [1, 4] } } }, { $project: { items: { $cond: [{ $isArray: '$items' }, '$items', '$$REMOVE'] } } }, { $sort: { _id: 1 } }]),
    ).toEqual([{ _id: 1, items: ['ecg', 'consult'] }, { _id: 4 }]);
  });

  it('$sample on a small collection returns the requested number of distinct documents', async () => {
    // Under 100 documents MongoDB samples by a random sort, so a document never repeats.
    for (let round = 0; round < 10; round += 1) {
      const sampled = await run(visits, [{ $sample: { size: 3 } }]);
      expect(sampled).toHaveLength(3);
      expect(new Set(sampled.map((d) => d._id)).size).toBe(3);
      for (const doc of sampled) expect(doc).toEqual(visitDocs.find((v) => v._id === doc._id));
    }
  });

  it('$replaceRoot and $replaceWith', async () => {
    expect(
      await run(visits, [
        { $match: { _id: 2 } },
        { $replaceRoot: { newRoot: { $mergeObjects: [{ visitId: '$_id' }, { dept: '$dept', fee: '$fee' }] } } },
      ]),
    ).toEqual([{ visitId: 2, dept: 'cardio', fee: 80 }]);
    expect(await run(visits, [{ $match: { _id: 2 } }, { $replaceWith: { who: '$patientId' } }])).toEqual([{ who: 'p2' }]);
  });
});

describe('$group', () => {
  it('computes every common accumulator per group', async () => {
    const groups = await run(visits, [
      { $sort: { _id: 1 } },
      {
        $group: {
          _id: '$dept',
          total: { $sum: '$fee' },
          avg: { $avg: '$fee' },
          min: { $min: '$fee' },
          max: { $max: '$fee' },
          visits: { $sum: 1 },
          patients: { $push: '$patientId' },
          unique: { $addToSet: '$patientId' },
          first: { $first: '$_id' },
          last: { $last: '$_id' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    // $addToSet promises no order, so compare it sorted.
    for (const g of groups) g.unique.sort();
    expect(groups).toEqual([
      { _id: 'cardio', total: 200, avg: 100, min: 80, max: 120, visits: 2, patients: ['p1', 'p2'], unique: ['p1', 'p2'], first: 1, last: 2 },
      { _id: 'endo', total: 250, avg: 125, min: 50, max: 200, visits: 2, patients: ['p1', 'p3'], unique: ['p1', 'p3'], first: 3, last: 4 },
      { _id: 'ortho', total: 300, avg: 300, min: 300, max: 300, visits: 1, patients: ['p2'], unique: ['p2'], first: 5, last: 5 },
    ]);
  });

  it('groups everything under _id null, and by compound keys', async () => {
    expect(await run(visits, [{ $group: { _id: null, total: { $sum: '$fee' }, n: { $sum: 1 }, none: { $sum: '$missing' }, avgNone: { $avg: '$missing' } } }])).toEqual([
      { _id: null, total: 750, n: 5, none: 0, avgNone: null },
    ]);
    expect(
      await run(visits, [{ $group: { _id: { patient: '$patientId', dept: '$dept' }, n: { $sum: 1 } } }, { $sort: { '_id.patient': 1, '_id.dept': 1 } }]),
    ).toEqual([
      { _id: { patient: 'p1', dept: 'cardio' }, n: 1 },
      { _id: { patient: 'p1', dept: 'endo' }, n: 1 },
      { _id: { patient: 'p2', dept: 'cardio' }, n: 1 },
      { _id: { patient: 'p2', dept: 'ortho' }, n: 1 },
      { _id: { patient: 'p3', dept: 'endo' }, n: 1 },
    ]);
  });

  it('groups a missing key and a null key together under null', async () => {
    expect(await run(visits, [{ $group: { _id: '$missing', n: { $sum: 1 } } }])).toEqual([{ _id: null, n: 5 }]);
  });

  it('$match after $group filters the groups', async () => {
    expect(await run(visits, [{ $group: { _id: '$patientId', spent: { $sum: '$fee' } } }, { $match: { spent: { $gt: 100 } } }, { $sort: { spent: -1 } }])).toEqual([
      { _id: 'p2', spent: 380 },
      { _id: 'p1', spent: 320 },
    ]);
  });
});

describe('$unwind', () => {
  const clothing: TestDocument[] = [
    { _id: 1, item: 'Shirt', sizes: ['S', 'M', 'L'] },
    { _id: 2, item: 'Shorts', sizes: [] },
    { _id: 3, item: 'Hat', sizes: 'M' },
    { _id: 4, item: 'Gloves' },
    { _id: 5, item: 'Scarf', sizes: null },
  ];
  let coll: Collection<TestDocument>;

  beforeAll(async () => {
    coll = t.db.collection('clothing');
    await coll.insertMany(clothing.map((d) => structuredClone(d)));
  });

  it('emits one document per element, dropping empty, missing and null', async () => {
    expect(await run(coll, [{ $unwind: '$sizes' }, { $sort: { _id: 1 } }])).toEqual([
      { _id: 1, item: 'Shirt', sizes: 'S' },
      { _id: 1, item: 'Shirt', sizes: 'M' },
      { _id: 1, item: 'Shirt', sizes: 'L' },
      { _id: 3, item: 'Hat', sizes: 'M' },
    ]);
  });

  it('preserveNullAndEmptyArrays keeps them, and includeArrayIndex numbers elements', async () => {
    expect(
      await run(coll, [{ $unwind: { path: '$sizes', preserveNullAndEmptyArrays: true, includeArrayIndex: 'idx' } }, { $sort: { _id: 1, idx: 1 } }]),
    ).toEqual([
      { _id: 1, item: 'Shirt', sizes: 'S', idx: 0 },
      { _id: 1, item: 'Shirt', sizes: 'M', idx: 1 },
      { _id: 1, item: 'Shirt', sizes: 'L', idx: 2 },
      { _id: 2, item: 'Shorts', idx: null },
      { _id: 3, item: 'Hat', sizes: 'M', idx: null },
      { _id: 4, item: 'Gloves', idx: null },
      { _id: 5, item: 'Scarf', sizes: null, idx: null },
    ]);
  });

  it('counts unwound values with $sortByCount', async () => {
    expect(await run(visits, [{ $unwind: '$items' }, { $sortByCount: '$items' }, { $match: { count: { $gt: 1 } } }, { $sort: { _id: 1 } }])).toEqual([
      { _id: 'consult', count: 2 },
      { _id: 'xray', count: 2 },
    ]);
    expect(await run(patients, [{ $sortByCount: '$city' }])).toEqual([
      { _id: 'Shanghai', count: 2 },
      { _id: 'Beijing', count: 1 },
    ]);
  });
});

describe('$lookup', () => {
  it('joins by localField/foreignField into an array', async () => {
    expect(
      await run(visits, [
        { $match: { _id: { $in: [1, 4] } } },
        { $lookup: { from: 'patients', localField: 'patientId', foreignField: '_id', as: 'patient' } },
        { $project: { patient: 1 } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 1, patient: [{ _id: 'p1', name: 'Ann', city: 'Shanghai' }] },
      { _id: 4, patient: [{ _id: 'p3', name: 'Chen', city: 'Shanghai' }] },
    ]);
    expect(
      await run(patients, [{ $match: { _id: 'p3' } }, { $lookup: { from: 'nothing_here', localField: '_id', foreignField: 'x', as: 'none' } }]),
    ).toEqual([{ _id: 'p3', name: 'Chen', city: 'Shanghai', none: [] }]);
  });

  it('joins with a correlated pipeline using let variables', async () => {
    expect(
      await run(patients, [
        {
          $lookup: {
            from: 'visits',
            let: { pid: '$_id' },
            pipeline: [{ $match: { $expr: { $eq: ['$patientId', '$$pid'] } } }, { $sort: { _id: 1 } }, { $project: { _id: 0, fee: 1 } }],
            as: 'visits',
          },
        },
        { $project: { name: 1, visits: 1 } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 'p1', name: 'Ann', visits: [{ fee: 120 }, { fee: 200 }] },
      { _id: 'p2', name: 'Bo', visits: [{ fee: 80 }, { fee: 300 }] },
      { _id: 'p3', name: 'Chen', visits: [{ fee: 50 }] },
    ]);
  });

  it('combines localField/foreignField with a pipeline', async () => {
    expect(
      await run(patients, [
        { $lookup: { from: 'visits', localField: '_id', foreignField: 'patientId', pipeline: [{ $group: { _id: null, total: { $sum: '$fee' } } }], as: 'totals' } },
        { $project: { total: { $arrayElemAt: ['$totals.total', 0] } } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 'p1', total: 320 },
      { _id: 'p2', total: 380 },
      { _id: 'p3', total: 50 },
    ]);
  });

  it('feeds $unwind and $group to total revenue by patient city', async () => {
    expect(
      await run(visits, [
        { $lookup: { from: 'patients', localField: 'patientId', foreignField: '_id', as: 'patient' } },
        { $unwind: '$patient' },
        { $group: { _id: '$patient.city', revenue: { $sum: '$fee' } } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 'Beijing', revenue: 380 },
      { _id: 'Shanghai', revenue: 370 },
    ]);
  });

  it('matches each element when localField is an array', async () => {
    expect(
      await t.db
        .aggregate([
          { $documents: [{ team: ['p3', 'p1', 'nobody'] }] },
          { $lookup: { from: 'patients', localField: 'team', foreignField: '_id', as: 'members' } },
          { $project: { names: '$members.name' } },
        ])
        .toArray()
        .then((docs) => docs.map((d) => ({ names: [...d.names].sort() }))),
    ).toEqual([{ names: ['Ann', 'Chen'] }]);
  });

  it('$unionWith appends another collection', async () => {
    expect(
      await run(patients, [{ $project: { _id: 1 } }, { $unionWith: { coll: 'visits', pipeline: [{ $match: { fee: { $gte: 200 } } }, { $project: { _id: 1 } }] } }]),
    ).toEqual([{ _id: 'p1' }, { _id: 'p2' }, { _id: 'p3' }, { _id: 3 }, { _id: 5 }]);
  });
});

describe('multi-facet and bucketing stages', () => {
  it('$facet runs sub-pipelines over the same input into one document', async () => {
    expect(
      await run(visits, [
        {
          $facet: {
            byDept: [{ $group: { _id: '$dept', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            total: [{ $count: 'n' }],
            top: [{ $sort: { fee: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
          },
        },
      ]),
    ).toEqual([
      {
        byDept: [
          { _id: 'cardio', n: 2 },
          { _id: 'endo', n: 2 },
          { _id: 'ortho', n: 1 },
        ],
        total: [{ n: 5 }],
        top: [{ _id: 5 }],
      },
    ]);
  });

  it('$bucket groups by boundaries, with a default bucket and a default count output', async () => {
    expect(
      await run(visits, [
        { $sort: { _id: 1 } },
        { $bucket: { groupBy: '$fee', boundaries: [0, 100, 200, 1000], output: { count: { $sum: 1 }, ids: { $push: '$_id' } } } },
      ]),
    ).toEqual([
      { _id: 0, count: 2, ids: [2, 4] },
      { _id: 100, count: 1, ids: [1] },
      { _id: 200, count: 2, ids: [3, 5] },
    ]);
    expect(await run(visits, [{ $bucket: { groupBy: '$fee', boundaries: [0, 100, 200], default: 'other' } }])).toEqual([
      { _id: 0, count: 2 },
      { _id: 100, count: 1 },
      { _id: 'other', count: 2 },
    ]);
  });

  it('$count counts, and yields no document at all for empty input', async () => {
    expect(await run(visits, [{ $match: { fee: { $gt: 100 } } }, { $count: 'expensive' }])).toEqual([{ expensive: 3 }]);
    expect(await run(visits, [{ $match: { fee: { $gt: 10_000 } } }, { $count: 'expensive' }])).toEqual([]);
  });
});

describe('expressions', () => {
  it('evaluates common expression operators exactly', async () => {
    const [doc] = await run(visits, [
      { $match: { _id: 1 } },
      {
        $project: {
          _id: 0,
          level: { $cond: [{ $gte: ['$fee', 100] }, 'high', 'low'] },
          fallback: { $ifNull: ['$missing', 'n/a'] },
          key: { $concat: ['$patientId', '-', '$dept'] },
          upper: { $toUpper: '$dept' },
          prefix: { $substrCP: ['$dept', 0, 3] },
          lastItem: { $arrayElemAt: ['$items', -1] },
          notEcg: { $filter: { input: '$items', cond: { $ne: ['$$this', 'ecg'] } } },
          shouted: { $map: { input: '$items', as: 'i', in: { $toUpper: '$$i' } } },
          sum: { $reduce: { input: [1, 2, 3], initialValue: 0, in: { $add: ['$$value', '$$this'] } } },
          hasEcg: { $in: ['ecg', '$items'] },
          band: { $switch: { branches: [{ case: { $lt: ['$fee', 100] }, then: 'cheap' }], default: 'normal' } },
          feeText: { $toString: '$fee' },
          feeType: { $type: '$fee' },
          missingType: { $type: '$missing' },
          year: { $year: '$at' },
          nextDay: { $dateAdd: { startDate: '$at', unit: 'day', amount: 1 } },
          both: { $and: [{ $eq: ['$dept', 'cardio'] }, { $gt: ['$fee', 100] }] },
          remainder: { $mod: ['$fee', 7] },
          size: { $size: '$items' },
        },
      },
    ]);
    expect(doc).toEqual({
      level: 'high',
      fallback: 'n/a',
      key: 'p1-cardio',
      upper: 'CARDIO',
      prefix: 'car',
      lastItem: 'consult',
      notEcg: ['consult'],
      shouted: ['ECG', 'CONSULT'],
      sum: 6,
      hasEcg: true,
      band: 'normal',
      feeText: '120',
      feeType: 'int',
      missingType: 'missing',
      year: 2024,
      nextDay: new Date('2024-03-02T01:00:00Z'),
      both: true,
      remainder: 1,
      size: 2,
    });
  });

  it('$dateToString and date parts honour the Asia/Shanghai time zone', async () => {
    expect(
      await run(visits, [
        {
          $project: {
            local: { $dateToString: { date: '$at', format: '%Y-%m-%d %H:%M', timezone: 'Asia/Shanghai' } },
            offset: { $dateToString: { date: '$at', format: '%H:%M:%S', timezone: '+08:00' } },
            utc: { $dateToString: { date: '$at', format: '%Y-%m-%dT%H:%M:%S.%LZ' } },
            hour: { $hour: { date: '$at', timezone: 'Asia/Shanghai' } },
          },
        },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 1, local: '2024-03-01 09:00', offset: '09:00:00', utc: '2024-03-01T01:00:00.000Z', hour: 9 },
      { _id: 2, local: '2024-03-02 01:30', offset: '01:30:00', utc: '2024-03-01T17:30:00.000Z', hour: 1 },
      { _id: 3, local: '2024-03-02 17:00', offset: '17:00:00', utc: '2024-03-02T09:00:00.000Z', hour: 17 },
      { _id: 4, local: '2024-03-03 23:59', offset: '23:59:59', utc: '2024-03-03T15:59:59.000Z', hour: 23 },
      { _id: 5, local: '2024-03-05 00:00', offset: '00:00:00', utc: '2024-03-04T16:00:00.000Z', hour: 0 },
    ]);
  });

  it('truncates, splits and parses dates in the Asia/Shanghai time zone', async () => {
    // 2024-03-01T17:30Z is 01:30 on 2 March in Shanghai.
    const project = async (expression: Document) =>
      (await run(visits, [{ $match: { _id: 2 } }, { $project: { _id: 0, out: expression } }]))[0]?.out;
    expect.soft(await project({ $dateTrunc: { date: '$at', unit: 'day', timezone: 'Asia/Shanghai' } })).toEqual(new Date('2024-03-01T16:00:00Z'));
    expect.soft(await project({ $dateToParts: { date: '$at', timezone: 'Asia/Shanghai' } })).toEqual({
      year: 2024,
      month: 3,
      day: 2,
      hour: 1,
      minute: 30,
      second: 0,
      millisecond: 0,
    });
    expect.soft(await project({ $dateFromString: { dateString: '2024-03-02 09:00', timezone: 'Asia/Shanghai' } })).toEqual(new Date('2024-03-02T01:00:00Z'));
    expect.soft(await project({ $dateFromParts: { year: 2024, month: 3, day: 2, hour: 9, timezone: 'Asia/Shanghai' } })).toEqual(new Date('2024-03-02T01:00:00Z'));
  });

  it('string operators count code points and bytes, and change case of ASCII only', async () => {
    const project = async (expression: Document) =>
      (await t.db.aggregate([{ $documents: [{ s: '张三abc', mixed: 'ÄB' }] }, { $project: { out: expression } }]).toArray())[0]?.out;
    expect.soft(await project({ $strLenCP: '$s' })).toBe(5);
    expect.soft(await project({ $strLenBytes: '$s' })).toBe(9);
    expect.soft(await project({ $substrCP: ['$s', 0, 2] })).toBe('张三');
    expect.soft(await project({ $toUpper: '$s' })).toBe('张三ABC');
    expect.soft(await project({ $toLower: '$mixed' })).toBe('Äb');
    expect.soft(await project({ $split: ['a,b,,c', ','] })).toEqual(['a', 'b', '', 'c']);
    expect.soft(await project({ $indexOfCP: ['$s', 'a'] })).toBe(2);
  });

  it('groups by local calendar day', async () => {
    expect(
      await run(visits, [
        { $group: { _id: { $dateToString: { date: '$at', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' } }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: '2024-03-01', n: 1 },
      { _id: '2024-03-02', n: 2 },
      { _id: '2024-03-03', n: 1 },
      { _id: '2024-03-05', n: 1 },
    ]);
  });
});

describe('writing stages', () => {
  it('$out replaces the target collection with the results and returns nothing', async () => {
    const target = t.db.collection<TestDocument>('dept_totals');
    await target.insertOne({ _id: 'stale' });
    expect(await run(visits, [{ $group: { _id: '$dept', total: { $sum: '$fee' } } }, { $out: 'dept_totals' }])).toEqual([]);
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'cardio', total: 200 },
      { _id: 'endo', total: 250 },
      { _id: 'ortho', total: 300 },
    ]);
  });

  it('$merge merges into matches and inserts the rest', async () => {
    const target = t.db.collection<TestDocument>('patient_totals');
    await target.insertOne({ _id: 'p1', name: 'Ann', total: 1 });
    expect(
      await run(visits, [{ $group: { _id: '$patientId', total: { $sum: '$fee' } } }, { $merge: { into: 'patient_totals', on: '_id', whenMatched: 'merge', whenNotMatched: 'insert' } }]),
    ).toEqual([]);
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'p1', name: 'Ann', total: 320 },
      { _id: 'p2', total: 380 },
      { _id: 'p3', total: 50 },
    ]);

    // A pipeline for matches sees the incoming document as $$new.
    await run(visits, [
      { $match: { patientId: 'p3' } },
      { $group: { _id: '$patientId', total: { $sum: '$fee' } } },
      { $merge: { into: 'patient_totals', whenMatched: [{ $set: { total: { $add: ['$total', '$$new.total'] } } }], whenNotMatched: 'discard' } },
    ]);
    expect(await target.findOne({ _id: 'p3' })).toEqual({ _id: 'p3', total: 100 });

    // keepExisting leaves matches alone.
    await run(visits, [{ $group: { _id: '$patientId', total: { $sum: 0 } } }, { $merge: { into: 'patient_totals', whenMatched: 'keepExisting' } }]);
    expect(await target.countDocuments({ total: 0 })).toBe(0);
  });
});

describe('cursors', () => {
  it('returns aggregate results across getMore batches of the requested size', async () => {
    const coll = t.db.collection<TestDocument>('agg_batches');
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ _id: i })));
    const docs = await coll.aggregate([{ $sort: { _id: -1 } }, { $project: { _id: 1, double: { $multiply: ['$_id', 2] } } }], { batchSize: 2, allowDiskUse: true }).toArray();
    expect(docs).toEqual(Array.from({ length: 7 }, (_, i) => ({ _id: 6 - i, double: (6 - i) * 2 })));
    const getMores = started.filter((e) => e.commandName === 'getMore' && e.command.collection === 'agg_batches');
    expect(getMores).toHaveLength(3);
    const aggregate = started.find((e) => e.commandName === 'aggregate' && e.command.aggregate === 'agg_batches');
    expect(aggregate?.command.cursor).toEqual({ batchSize: 2 });
  });

  it('aggregates over the database with $documents', async () => {
    expect(await t.db.aggregate([{ $documents: [{ x: 1 }, { x: 2 }] }, { $set: { y: { $add: ['$x', 1] } } }]).toArray()).toEqual([
      { x: 1, y: 2 },
      { x: 2, y: 3 },
    ]);
  });
});
