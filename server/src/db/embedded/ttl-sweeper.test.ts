import { describe, expect, it } from 'vitest';
import { Catalog } from './storage/catalog.js';
import { ridOf } from './storage/collection.js';
import { LockTable } from './txn/lock-table.js';
import { sweepExpired } from './ttl-sweeper.js';

const NOW = Date.UTC(2026, 10, 24, 4, 0, 0);
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

describe('sweepExpired', () => {
  it('removes documents whose date (or earliest date of an array) is past expireAfterSeconds, and journals the deletes', () => {
    const catalog = new Catalog();
    const coll = catalog.create('db', 'holds', {}, []);
    coll.addIndex({ key: { expiresAt: 1 }, name: 'expiresAt_1', expireAfterSeconds: 600 });
    coll.addIndex({ key: { other: 1 }, name: 'other_1' });
    const docs = [
      { _id: 1, expiresAt: minutesAgo(11) },
      { _id: 2, expiresAt: minutesAgo(9) },
      { _id: 3, expiresAt: [minutesAgo(1), minutesAgo(30)] },
      { _id: 4, expiresAt: 'not a date' },
      { _id: 5 },
      { _id: 6, expiresAt: minutesAgo(10) },
    ];
    for (const doc of docs) coll.put(ridOf(doc), doc);
    const ops = sweepExpired(catalog, new LockTable(), NOW);
    expect(ops).toEqual([
      { op: 'del', db: 'db', coll: 'holds', id: 3 },
      { op: 'del', db: 'db', coll: 'holds', id: 1 },
      { op: 'del', db: 'db', coll: 'holds', id: 6 },
    ]);
    expect([...coll.docs.values()].map((d) => d._id)).toEqual([2, 4, 5]);
  });
});
