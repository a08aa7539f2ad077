import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalOp } from './journal-op.js';
import { Persistence } from './persistence.js';
import { DocModel, tempDataDir } from './test-kit.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
});
afterEach(async () => {
  await remove();
});

const dataFiles = async (): Promise<string[]> => (await readdir(dir)).filter((name) => !name.endsWith('.lock')).sort();

/** Applies a batch to the model the way the engine does — in memory first — and then journals it. */
function write(persistence: Persistence, model: DocModel, ops: JournalOp[], j: boolean): Promise<void> {
  for (const op of ops) model.apply(op);
  return persistence.append(ops, { j });
}

const put = (id: number, v: number): JournalOp => ({ op: 'put', db: 'app', coll: 'c', doc: { _id: id, v } });
const del = (id: number): JournalOp => ({ op: 'del', db: 'app', coll: 'c', id });

async function reopened(): Promise<{ model: DocModel; persistence: Persistence }> {
  const model = new DocModel();
  const persistence = await Persistence.open({ dir }, model.apply);
  return { model, persistence };
}

describe('Persistence checkpoint', () => {
  it('keeps appends made during a checkpoint, in order, and deletes the old generation', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir, checkpointBytes: 4096 }, model.apply);
    for (let i = 0; i < 100; i++) await write(persistence, model, [put(i, 0)], i % 3 === 0);
    expect(persistence.needsCheckpoint).toBe(true);

    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) inFlight.push(write(persistence, model, [put(i, 1), put(100 + i, 1)], i % 2 === 0));
    const checkpoint = persistence.checkpoint(model.dump());
    expect(persistence.needsCheckpoint).toBe(false); // one is running
    // After the call: updates, deletes and re-creations that only the new journal holds.
    for (let i = 0; i < 50; i++) inFlight.push(write(persistence, model, [put(i, 2), del(100 + i)], i % 2 === 1));
    for (let i = 0; i < 10; i++) inFlight.push(write(persistence, model, [put(100 + i, 3)], true));
    await Promise.all([checkpoint, ...inFlight]);
    expect(await dataFiles()).toEqual(['journal-000002.log', 'snapshot-000002.bson']);

    await write(persistence, model, [put(999, 9)], false);
    await persistence.close();

    const after = await reopened();
    await after.persistence.close();
    expect(after.model.canonical()).toEqual(model.canonical());
    expect(after.model.docs.size).toBe(111);
    expect(after.persistence.recovery).toMatchObject({ snapshotGeneration: 2, snapshotOps: 150, journals: ['journal-000002.log'] });
  });

  it('asks for a checkpoint once the journal passes checkpointBytes, and not after one', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir, checkpointBytes: 1000 }, model.apply);
    let appended = 0;
    while (!persistence.needsCheckpoint) await write(persistence, model, [put(appended++, 0)], false);
    expect(appended).toBeGreaterThan(5);
    await persistence.checkpoint(model.dump());
    expect(persistence.needsCheckpoint).toBe(false);
    await persistence.close();
    // A journal replayed at open counts toward the next checkpoint.
    const reopenedOne = await Persistence.open({ dir, checkpointBytes: 1000 }, () => undefined);
    expect(reopenedOne.needsCheckpoint).toBe(false);
    await reopenedOne.close();
  });

  it('runs overlapping checkpoints one after another and ends on the newest generation', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir }, model.apply);
    const pending: Promise<void>[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 20; i++) pending.push(write(persistence, model, [put(round * 20 + i, round)], i % 2 === 0));
      pending.push(persistence.checkpoint(model.dump()));
    }
    await Promise.all(pending);
    await persistence.close();
    expect(await dataFiles()).toEqual(['journal-000005.log', 'snapshot-000005.bson']);
    const after = await reopened();
    await after.persistence.close();
    expect(after.model.canonical()).toEqual(model.canonical());
    expect(after.persistence.recovery.journalBatches).toBe(0);
  });

  it('recovers from a crash mid-checkpoint: temp snapshot ignored, both journals replayed', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir }, model.apply);
    for (let i = 0; i < 10; i++) await write(persistence, model, [put(i, 0)], true);
    await persistence.checkpoint(model.dump());
    for (let i = 0; i < 10; i++) await write(persistence, model, [put(i, 1)], true);
    await persistence.close();
    // What a crash between rotating to generation 3 and renaming its snapshot leaves behind.
    await writeFile(join(dir, 'snapshot-000003.bson.tmp'), Buffer.from('half a snapshot'));
    await writeFile(join(dir, 'journal-000003.log'), Buffer.from('CLJRNL01'));

    const after = await reopened();
    expect(after.model.canonical()).toEqual(model.canonical());
    expect(after.persistence.recovery.journals).toEqual(['journal-000002.log', 'journal-000003.log']);
    expect(await dataFiles()).toEqual(['journal-000002.log', 'journal-000003.log', 'snapshot-000002.bson']);
    await write(after.persistence, after.model, [put(50, 5)], true);
    await after.persistence.checkpoint(after.model.dump());
    await after.persistence.close();
    expect(await dataFiles()).toEqual(['journal-000004.log', 'snapshot-000004.bson']);
    const final = await reopened();
    await final.persistence.close();
    expect(final.model.canonical()).toEqual(after.model.canonical());
  });

  it('cleans up generations a crash left behind after the snapshot was committed', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir }, model.apply);
    await write(persistence, model, [put(1, 1)], true);
    await persistence.checkpoint(model.dump());
    await persistence.close();
    // An old journal the crashed checkpoint did not get round to deleting: must not be replayed.
    await writeFile(join(dir, 'journal-000001.log'), Buffer.from('CLJRNL01 and garbage'));
    const after = await reopened();
    await after.persistence.close();
    expect(after.model.canonical()).toEqual(model.canonical());
    expect(await dataFiles()).toEqual(['journal-000002.log', 'snapshot-000002.bson']);
  });

  it('loses nothing when writing the snapshot fails, and does not ask to retry at once', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir, checkpointBytes: 100 }, model.apply);
    for (let i = 0; i < 5; i++) await write(persistence, model, [put(i, 0)], true);
    expect(persistence.needsCheckpoint).toBe(true);
    function* failingDump(): Generator<JournalOp> {
      yield put(0, 0);
      throw new Error('ENOSPC: no space left on device, write');
    }
    const checkpoint = persistence.checkpoint(failingDump());
    const during = write(persistence, model, [put(10, 1)], true);
    await expect(checkpoint).rejects.toThrow(/ENOSPC/);
    await during;
    expect(persistence.needsCheckpoint).toBe(false);
    expect(await dataFiles()).toEqual(['journal-000001.log', 'journal-000002.log']);
    await write(persistence, model, [put(11, 1)], false);
    await persistence.close();
    const after = await reopened();
    await after.persistence.close();
    expect(after.model.canonical()).toEqual(model.canonical());
    expect(after.model.docs.size).toBe(7);
  });

  it('refuses to start from a committed snapshot that is damaged', async () => {
    const model = new DocModel();
    const persistence = await Persistence.open({ dir }, model.apply);
    await write(persistence, model, [put(1, 1)], true);
    await persistence.checkpoint(model.dump());
    await persistence.close();
    await writeFile(join(dir, 'snapshot-000002.bson'), Buffer.from('CLSNAP01'));
    await expect(reopened()).rejects.toThrow(/snapshot .*snapshot-000002\.bson is damaged/);
  });
});
