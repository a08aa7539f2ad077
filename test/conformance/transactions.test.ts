import { MongoServerError, type ClientSession, type Collection, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { serverError, useConformanceDb, type TestDocument } from '../support/mongo.js';

const t = useConformanceDb('txn');

/** A fresh, already created collection (collections are created outside transactions). */
async function freshCollection(label: string, docs: TestDocument[]): Promise<Collection<TestDocument>> {
  const coll = t.freshCollection(label);
  await t.db.createCollection(coll.collectionName);
  if (docs.length > 0) await coll.insertMany(docs);
  return coll;
}

async function withSessions<T>(count: number, body: (...sessions: ClientSession[]) => Promise<T>): Promise<T> {
  const sessions = Array.from({ length: count }, () => t.client.startSession());
  try {
    return await body(...sessions);
  } finally {
    for (const s of sessions) await s.endSession();
  }
}

/** Counts one more and records who counted (typed loosely: the driver's $push typing rejects `any` fields). */
const incrementBy = (who: string): Document => ({ $inc: { n: 1 }, $push: { by: who } });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('commit and abort', () => {
  it('withTransaction commits every write together, visible afterwards', async () => {
    const accounts = await freshCollection('accounts', [
      { _id: 'a', balance: 100 },
      { _id: 'b', balance: 0 },
    ]);
    const ledger = await freshCollection('ledger', []);
    await withSessions(1, async (session) => {
      await session.withTransaction(
        async () => {
          await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -30 } }, { session });
          await accounts.updateOne({ _id: 'b' }, { $inc: { balance: 30 } }, { session });
          await ledger.insertOne({ _id: 1, from: 'a', to: 'b', amount: 30 }, { session });
          expect(await accounts.countDocuments({ balance: { $gt: 0 } }, { session })).toBe(2);
        },
        { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } },
      );
    });
    expect(await accounts.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', balance: 70 },
      { _id: 'b', balance: 30 },
    ]);
    expect(await ledger.find().toArray()).toEqual([{ _id: 1, from: 'a', to: 'b', amount: 30 }]);
  });

  it('abortTransaction undoes inserts, updates and deletes', async () => {
    const coll = await freshCollection('abort', [
      { _id: 1, v: 'keep' },
      { _id: 2, v: 'keep' },
    ]);
    await withSessions(1, async (session) => {
      session.startTransaction();
      await coll.insertOne({ _id: 3, v: 'new' }, { session });
      await coll.updateOne({ _id: 1 }, { $set: { v: 'changed' } }, { session });
      await coll.deleteOne({ _id: 2 }, { session });
      expect(await coll.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, v: 'changed' },
        { _id: 3, v: 'new' },
      ]);
      await session.abortTransaction();
    });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, v: 'keep' },
      { _id: 2, v: 'keep' },
    ]);
  });

  it('an error inside a transaction aborts it, so the commit fails with NoSuchTransaction (251)', async () => {
    const coll = await freshCollection('error_aborts', [{ _id: 1 }]);
    await withSessions(1, async (session) => {
      session.startTransaction();
      await coll.insertOne({ _id: 2 }, { session });
      const duplicate = await serverError(coll.insertOne({ _id: 1 }, { session }));
      expect(duplicate.code).toBe(11000);
      const commit = await serverError(session.commitTransaction());
      expect(commit).toMatchObject({ code: 251, codeName: 'NoSuchTransaction' });
    });
    expect(await coll.find().toArray()).toEqual([{ _id: 1 }]);
  });
});

describe('isolation', () => {
  it('a transaction’s writes are invisible outside it until commit', async () => {
    const coll = await freshCollection('invisible', [{ _id: 1, n: 0 }]);
    await withSessions(1, async (session) => {
      session.startTransaction();
      await coll.insertOne({ _id: 2, n: 0 }, { session });
      await coll.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { session });

      expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 0 }]);
      expect(await coll.countDocuments()).toBe(1);
      expect(await coll.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, n: 1 },
        { _id: 2, n: 0 },
      ]);

      await session.commitTransaction();
    });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 0 },
    ]);
  });

  it('a transaction reads from its snapshot, and writing a document changed since then is a WriteConflict', async () => {
    const coll = await freshCollection('snapshot', [
      { _id: 1, v: 'before' },
      { _id: 2, v: 'other' },
    ]);
    await withSessions(1, async (session) => {
      session.startTransaction();
      expect(await coll.findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'before' });
      await coll.updateOne({ _id: 1 }, { $set: { v: 'outside' } });
      expect(await coll.findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'before' });
      const conflict = await serverError(coll.updateOne({ _id: 1 }, { $set: { v: 'inside' } }, { session }));
      expect(conflict).toMatchObject({ code: 112, codeName: 'WriteConflict' });
      expect(conflict.hasErrorLabel('TransientTransactionError')).toBe(true);
      await session.abortTransaction();
    });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, v: 'outside' });
  });
});

describe('concurrency', () => {
  it('of two transactions writing one document, the second gets WriteConflict (112) labelled TransientTransactionError', async () => {
    const coll = await freshCollection('conflict', [{ _id: 1, owner: null }]);
    await withSessions(2, async (first, second) => {
      first.startTransaction();
      second.startTransaction();
      await coll.updateOne({ _id: 1 }, { $set: { owner: 'first' } }, { session: first });
      const error = await serverError(coll.updateOne({ _id: 1 }, { $set: { owner: 'second' } }, { session: second }));
      expect(error).toMatchObject({ code: 112, codeName: 'WriteConflict' });
      expect(error.errorLabels).toContain('TransientTransactionError');
      await second.abortTransaction();
      await first.commitTransaction();
    });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, owner: 'first' });
  });

  it('withTransaction retries the loser, so both concurrent transactions eventually succeed', async () => {
    const coll = await freshCollection('retry', [{ _id: 'counter', n: 0, by: [] }]);
    let signalAWrote!: () => void;
    const aWrote = new Promise<void>((resolve) => (signalAWrote = resolve));
    let signalBConflicted!: () => void;
    const bConflicted = new Promise<void>((resolve) => (signalBConflicted = resolve));
    let attemptsA = 0;
    let attemptsB = 0;
    const errorsB: MongoServerError[] = [];

    await withSessions(2, async (sessionA, sessionB) => {
      const a = sessionA.withTransaction(async () => {
        attemptsA += 1;
        await coll.updateOne({ _id: 'counter' }, incrementBy('a'), { session: sessionA });
        signalAWrote();
        // Hold the write until B has collided with it (or give up waiting after 5 s).
        await Promise.race([bConflicted, sleep(5_000)]);
      });
      const b = aWrote.then(() =>
        sessionB.withTransaction(async () => {
          attemptsB += 1;
          try {
            await coll.updateOne({ _id: 'counter' }, incrementBy('b'), { session: sessionB });
          } catch (error) {
            if (error instanceof MongoServerError) errorsB.push(error);
            signalBConflicted();
            throw error;
          }
        }),
      );
      await Promise.all([a, b]);
    });

    expect(await coll.findOne({ _id: 'counter' })).toEqual({ _id: 'counter', n: 2, by: ['a', 'b'] });
    expect(attemptsA).toBe(1);
    expect(attemptsB).toBeGreaterThanOrEqual(2);
    expect(errorsB[0]).toMatchObject({ code: 112 });
    expect(errorsB[0]!.hasErrorLabel('TransientTransactionError')).toBe(true);
  });

  it('a write outside any transaction waits for the transaction holding the document, then applies', async () => {
    const coll = await freshCollection('outside_waits', [{ _id: 1, n: 0 }]);
    await withSessions(1, async (session) => {
      session.startTransaction();
      await coll.updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session });
      const outside = coll.updateOne({ _id: 1 }, { $inc: { n: 10 } });
      await sleep(300);
      await session.commitTransaction();
      expect(await outside).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, n: 11 });
  });

  it('concurrent withTransaction increments never lose an update', async () => {
    const coll = await freshCollection('many', [{ _id: 'stock', left: 20 }]);
    await withSessions(5, async (...sessions) => {
      await Promise.all(
        sessions.map((session) =>
          (async () => {
            for (let i = 0; i < 4; i += 1) {
              await session.withTransaction(async () => {
                const doc = await coll.findOne({ _id: 'stock' }, { session });
                await coll.updateOne({ _id: 'stock' }, { $set: { left: doc!.left - 1 } }, { session });
              });
            }
          })(),
        ),
      );
    });
    expect(await coll.findOne({ _id: 'stock' })).toEqual({ _id: 'stock', left: 0 });
  });
});
