import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { connectMongoose } from '../../db/mongoose.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../db/embedded/index.js';
import { claimForPatient, holdPlace, releasePlace, unclaimForPatient } from './holds.js';
import { createBookingModels, type BookingModels, type InventorySlotRecord } from './model.js';

// The two atomic steps under raw concurrency, straight on the database (the API adds per-slot
// turns within one instance; these prove the database alone never sells a place twice, as it
// must across instances).

let mongo: EmbeddedMongo;
let connection: Connection;
let models: BookingModels;
const now = new Date('2030-03-06T01:10:00Z');

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ port: 0 });
  connection = await connectMongoose({ uri: mongo.uri, dbName: 'holds' });
  models = await createBookingModels(connection);
});
afterAll(async () => {
  await connection?.close();
  await mongo?.stop();
});
beforeEach(async () => {
  await models.Slot.deleteMany({});
  await models.Claims.deleteMany({});
});

function slot(id: string, overrides: Partial<InventorySlotRecord> = {}): InventorySlotRecord {
  return {
    _id: id,
    sessionId: 'd|2030-03-11|morning',
    doctorId: 'd',
    institutionId: 'org-core',
    departmentId: 'dept',
    date: '2030-03-11',
    period: 'morning',
    start: new Date('2030-03-11T00:00:00Z'),
    end: new Date('2030-03-11T00:15:00Z'),
    seq: 1,
    channel: 'public',
    capacity: 1,
    taken: 0,
    releaseAt: new Date('2030-03-10T00:00:00Z'),
    opensAt: new Date('2030-03-04T07:00:00Z'),
    stopped: false,
    hospitalStatus: 'free',
    fee: 5000,
    syncedAt: now,
    ...overrides,
  };
}

describe('holdPlace', () => {
  it('gives 20 places to exactly 20 of 500 racing holds, each place once', async () => {
    await models.raw.slots.insertMany(Array.from({ length: 20 }, (_, i) => slot(`s${i}`)));
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => holdPlace(models, `s${i % 20}`, 'public', now, 30)));
    const won = results.filter((r) => r !== null);
    expect(won).toHaveLength(20);
    expect(new Set(won.map((r) => r!._id)).size).toBe(20);
    expect((await models.raw.slots.find({}).toArray()).every((s) => s.taken === 1)).toBe(true);
  });

  it('refuses what the rules refuse, atomically: closed, not open, stopped, reserved, taken at the hospital', async () => {
    await models.raw.slots.insertMany([
      slot('closing', { start: new Date(now.getTime() + 30 * 60_000) }),
      slot('not-open', { opensAt: new Date(now.getTime() + 1) }),
      slot('stopped', { stopped: true }),
      slot('referral', { channel: 'referral', releaseAt: new Date(now.getTime() + 1) }),
      slot('released', { channel: 'referral', releaseAt: now }),
      slot('priority', { channel: 'priority' }),
      slot('elsewhere', { capacity: 0 }),
    ]);
    const held = async (id: string, channel: 'public' | 'referral' | 'priority' = 'public') => (await holdPlace(models, id, channel, now, 30)) !== null;
    expect(await held('closing')).toBe(false);
    expect(await held('not-open')).toBe(false);
    expect(await held('stopped')).toBe(false);
    expect(await held('referral')).toBe(false);
    expect(await held('referral', 'referral')).toBe(true);
    expect(await held('released')).toBe(true);
    expect(await held('priority')).toBe(false);
    expect(await held('priority', 'priority')).toBe(true);
    expect(await held('elsewhere')).toBe(false);
  });

  it('gives a released place back once, never below zero', async () => {
    await models.raw.slots.insertOne(slot('s', { taken: 1 }));
    await Promise.all([releasePlace(models, 's'), releasePlace(models, 's')]);
    expect((await models.raw.slots.findOne({ _id: 's' }))!.taken).toBe(0);
  });
});

describe('claimForPatient', () => {
  const entry = (i: number, doctorId: string) => ({ appointmentId: `a${i}`, doctorId, date: '2030-03-11', start: new Date('2030-03-11T00:00:00Z') });

  it('lets one of 20 racing claims for the same doctor and day through', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => claimForPatient(models, 'p1', entry(i, 'd'), 5, now)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(new Set(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code))).toEqual(new Set(['duplicate_doctor_day']));
  });

  it('lets 5 of 20 racing claims for different doctors through (at most 5 active)', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => claimForPatient(models, 'p2', entry(i, `d${i}`), 5, now)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect((await models.raw.claims.findOne({ _id: 'p2' }))!.active).toHaveLength(5);
    await unclaimForPatient(models, 'p2', (await models.raw.claims.findOne({ _id: 'p2' }))!.active[0]!.appointmentId);
    await expect(claimForPatient(models, 'p2', entry(99, 'd99'), 5, now)).resolves.toBeUndefined();
  });

  it('stops counting visits that have started', async () => {
    await claimForPatient(models, 'p3', { ...entry(1, 'd1'), start: new Date(now.getTime() - 1) }, 1, new Date(now.getTime() - 60_000));
    await expect(claimForPatient(models, 'p3', entry(2, 'd2'), 1, now)).resolves.toBeUndefined();
  });
});
