import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../db/embedded/index.js';
import { createLogger } from '../logging/logger.js';
import { startAgendaJobs } from './agenda.js';
import { bookingJobs } from './booking.js';

// The booking jobs run on agenda on the same (embedded) MongoDB: each is defined, scheduled
// once however many instances start, and runs.

let mongo: EmbeddedMongo;
let client: MongoClient;
beforeAll(async () => {
  mongo = await startEmbeddedMongo({ port: 0 });
  client = await MongoClient.connect(mongo.uri);
});
afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

describe('startAgendaJobs', () => {
  it('schedules every booking job once and runs them', async () => {
    const db = client.db('jobs');
    const runs: string[] = [];
    const count = (name: string) => async () => {
      runs.push(name);
      return 0;
    };
    const booking = {
      jobs: {
        expireHolds: count('expireHolds'),
        queryPayments: count('queryPayments'),
        retryRegistrations: count('retryRegistrations'),
        trackRefunds: count('trackRefunds'),
        settleReleases: count('settleReleases'),
        syncInventory: async () => ({ synced: 0, failed: 0 }),
        reconcile: count('reconcile'),
        recordVisitOutcomes: async () => ({ checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 0 }),
      },
    };
    const jobs = bookingJobs(booking);
    expect(jobs.map((j) => [j.name, j.every])).toEqual([
      ['booking: expire unpaid holds', '30 seconds'],
      ['booking: query unnotified orders', '1 minute'],
      ['booking: retry hospital registrations', '15 seconds'],
      ['booking: track refunds', '1 minute'],
      ['booking: settle releases', '30 seconds'],
      ['booking: sync slot inventory', '5 minutes'],
      ['booking: daily reconciliation', '15 10 * * *'],
      ['booking: record visit outcomes', '10 minutes'],
    ]);
    const logger = createLogger({ level: 'silent' });
    // Two instances on one database: the schedules are not doubled.
    const first = await startAgendaJobs({ db, jobs, logger, name: 'a', processEveryMs: 100 });
    const second = await startAgendaJobs({ db, jobs, logger, name: 'b', processEveryMs: 100 });
    try {
      expect(await db.collection('agenda_jobs').countDocuments()).toBe(8);
      // Make the expiry job due now; one of the two instances runs it, once.
      await db.collection('agenda_jobs').updateOne({ name: 'booking: expire unpaid holds' }, { $set: { nextRunAt: new Date() } });
      const deadline = Date.now() + 10_000;
      while (!runs.includes('expireHolds') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(runs.filter((r) => r === 'expireHolds')).toEqual(['expireHolds']);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
