import { copyFile, readFile, stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJournal, replayJournal } from './journal-file.js';
import type { JournalOp } from './journal-op.js';
import { JournalWriter, type OpenJournal } from './journal-writer.js';
import { encodeRecord, MAGIC_BYTES } from './record-format.js';
import { tempDataDir } from './test-kit.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
});
afterEach(async () => {
  await remove();
});

const put = (id: number): JournalOp => ({ op: 'put', db: 'app', coll: 'c', doc: { _id: id } });
const record = (id: number): Buffer => encodeRecord([put(id)]);
const errno = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/** How the next write(2) calls behave: 'half' writes half and reports it, 'enospc' fails, 'ok' works. */
type WriteFault = 'half' | 'enospc' | 'ok';

/** A real journal whose handle counts calls and can be told to fail the way a full or broken disk does. */
async function instrumentedJournal(): Promise<{
  journal: OpenJournal;
  calls: { write: number; datasync: number };
  faults: { writes: WriteFault[]; datasyncError: boolean };
}> {
  const journal = await createJournal(dir, 1);
  const calls = { write: 0, datasync: 0 };
  const faults = { writes: [] as WriteFault[], datasyncError: false };
  const handle = new Proxy(journal.handle, {
    get(target, property) {
      if (property === 'write') {
        return async (data: Uint8Array, offset: number, length: number, position: number) => {
          calls.write++;
          const fault = faults.writes.shift();
          if (fault === 'enospc') throw errno('ENOSPC: no space left on device, write', 'ENOSPC');
          return target.write(data, offset, fault === 'half' ? Math.floor(length / 2) : length, position);
        };
      }
      if (property === 'datasync') {
        return async () => {
          calls.datasync++;
          if (faults.datasyncError) throw errno('EIO: i/o error, fdatasync', 'EIO');
          return target.datasync();
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { journal: { ...journal, handle }, calls, faults };
}

async function replayIds(path: string): Promise<unknown[]> {
  const ids: unknown[] = [];
  await replayJournal(path, (op) => ids.push(op.op === 'put' ? op.doc._id : op.op), false);
  return ids;
}

describe('JournalWriter', () => {
  it('writes and syncs a burst of concurrent durable appends with one write and one fdatasync', async () => {
    const { journal, calls } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 100, 0);
    await Promise.all(Array.from({ length: 100 }, (_, i) => writer.append(record(i), true)));
    expect(calls).toEqual({ write: 1, datasync: 1 });
    await writer.close();
    expect(await replayIds(journal.path)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('acknowledges a non-durable append without a sync, and syncs it within syncIntervalMs', async () => {
    const { journal, calls } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 30, 0);
    await writer.append(record(1), false);
    expect(calls).toEqual({ write: 1, datasync: 0 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls.datasync).toBe(1);
    await writer.close();
  });

  it('rolls back a write the disk ran out of space for, rejects just that group, and carries on', async () => {
    const { journal, faults } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 100, 0);
    await writer.append(record(1), true);
    const sizeBefore = (await stat(journal.path)).size;
    faults.writes.push('half', 'enospc');
    const failed = [writer.append(record(2), true), writer.append(record(3), false)];
    for (const attempt of failed) {
      await expect(attempt).rejects.toMatchObject({ code: 'journal_write_failed', message: /ENOSPC.*was not kept/ });
    }
    expect((await stat(journal.path)).size).toBe(sizeBefore);
    await writer.append(record(4), true);
    await writer.close();
    expect(await replayIds(journal.path)).toEqual([1, 4]);
  });

  it('refuses every write after an fdatasync failure, since what reached the disk is unknown', async () => {
    const { journal, faults } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 100);
    await writer.append(record(1), true);
    faults.datasyncError = true;
    await expect(writer.append(record(2), true)).rejects.toMatchObject({ code: 'journal_unusable', message: /fdatasync .* failed \(EIO/ });
    await expect(writer.append(record(3), false)).rejects.toMatchObject({ code: 'journal_unusable' });
    await expect(writer.close()).rejects.toMatchObject({ code: 'journal_unusable' });
  });

  it('moves appends queued after a rotation to the new file, after syncing the old one', async () => {
    const { journal, calls } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 10_000, 0);
    const before = [writer.append(record(1), false), writer.append(record(2), false)];
    const rotated = writer.rotate(() => createJournal(dir, 2));
    const after = [writer.append(record(3), true)];
    await Promise.all([...before, rotated, ...after]);
    expect(calls.datasync).toBe(1); // the old file's final sync; the new file's syncs are not counted
    expect(writer.currentPath).toMatch(/journal-000002\.log$/);
    await writer.close();
    expect(await replayIds(journal.path)).toEqual([1, 2]);
    expect(await replayIds(writer.currentPath)).toEqual([3]);
    expect((await readFile(writer.currentPath)).length).toBeGreaterThan(MAGIC_BYTES);
  });

  it('keeps zeros preallocated ahead of the data, which replay after a crash reads as the end', async () => {
    const { journal } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 100, 64 * 1024);
    for (let i = 0; i < 10; i++) await writer.append(record(i), i % 2 === 0);
    for (let tries = 0; (await stat(journal.path)).size < 64 * 1024 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await stat(journal.path)).size).toBeGreaterThanOrEqual(64 * 1024);
    // What kill -9 leaves: the file as it is, zeros and all.
    const crashCopy = `${journal.path}.crash`;
    await copyFile(journal.path, crashCopy);
    const ids: unknown[] = [];
    const { replay } = await replayJournal(crashCopy, (op) => ids.push(op.op === 'put' ? op.doc._id : op.op), false);
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(replay).toMatchObject({ truncatedBytes: 0, batches: 10 });
    expect(replay.damage).toBeUndefined();
    expect((await stat(crashCopy)).size).toBe(replay.size);
    await writer.close();
    expect((await stat(journal.path)).size).toBe(replay.size); // a clean close trims the zeros
  });

  it('carries on without preallocation when the disk has no room for it', async () => {
    const { journal, faults } = await instrumentedJournal();
    const writer = new JournalWriter(journal, 100, 64 * 1024);
    faults.writes.push('ok', 'enospc'); // the data write works, the zero fill after it does not
    await writer.append(record(1), true);
    await writer.append(record(2), true);
    await writer.close();
    expect(await replayIds(journal.path)).toEqual([1, 2]);
  });
});
