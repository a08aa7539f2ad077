import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, journalFileName } from './generation-files.js';
import { asJournalOp, type JournalOp } from './journal-op.js';
import type { OpenJournal } from './journal-writer.js';
import { PersistenceError } from './persistence-error.js';
import { decodeRecordPayload, JOURNAL_MAGIC, MAGIC_BYTES } from './record-format.js';
import { scanRecords } from './record-scanner.js';

/** What replaying one journal found. */
export interface JournalReplay {
  /** Batches applied. */
  batches: number;
  /** Ops applied. */
  ops: number;
  /** Valid length of the file after any torn tail was cut off. */
  size: number;
  /** Bytes cut off the end because they were a torn tail or damaged (a zero-filled preallocated run is cut too, but not counted). */
  truncatedBytes: number;
  /** Why bytes were cut off, when they were. */
  damage?: string;
}

/**
 * Creates generation `generation`'s journal: magic, fsync, fsync of the directory — so an
 * acknowledged durable write in it can never be lost because the file's name was.
 */
export async function createJournal(dir: string, generation: number): Promise<OpenJournal> {
  const path = join(dir, journalFileName(generation));
  const handle = await open(path, 'wx+');
  try {
    await handle.write(JOURNAL_MAGIC, 0, MAGIC_BYTES, 0);
    await handle.datasync();
    await fsyncDir(dir);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  return { path, handle, size: MAGIC_BYTES };
}

/**
 * Applies every intact batch of a journal in order, all ops of a batch or none, and cuts off
 * the first record that does not check out and everything after it (made durable before
 * returning, so a later append can never sit behind garbage). Returns the handle when `keepOpen`
 * so the newest journal can go straight on to receive appends.
 */
export async function replayJournal(
  path: string,
  apply: (op: JournalOp) => void,
  keepOpen: boolean,
): Promise<{ replay: JournalReplay; journal?: OpenJournal }> {
  const handle = await open(path, 'r+');
  let keep = false;
  try {
    const magic = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await handle.read(magic, 0, MAGIC_BYTES, 0);
    const intactMagic = bytesRead === MAGIC_BYTES && magic.equals(JOURNAL_MAGIC);
    if (!intactMagic) {
      // A crash right after creating the file can leave it short; anything else is not ours.
      if (!JOURNAL_MAGIC.subarray(0, bytesRead).equals(magic.subarray(0, bytesRead)) || bytesRead === MAGIC_BYTES) {
        throw new PersistenceError('data_corrupt', `${path} is not a CareLoop journal (bad magic); move it out of the data directory`);
      }
      await handle.truncate(0);
      await handle.write(JOURNAL_MAGIC, 0, MAGIC_BYTES, 0);
      await handle.datasync();
      const replay: JournalReplay = { batches: 0, ops: 0, size: MAGIC_BYTES, truncatedBytes: 0 };
      keep = keepOpen;
      return keepOpen ? { replay, journal: { path, handle, size: MAGIC_BYTES } } : { replay };
    }

    let batches = 0;
    let ops = 0;
    const scan = await scanRecords(handle, MAGIC_BYTES, (payload, offset) => {
      const batch = decodeRecordPayload(payload).map((doc) => {
        const op = asJournalOp(doc);
        if (!op) {
          throw new PersistenceError('data_corrupt', `${path} holds an unknown op ${JSON.stringify(doc.op)} at offset ${offset}`);
        }
        return op;
      });
      for (const op of batch) apply(op);
      batches++;
      ops += batch.length;
    });
    // Zeros after the last record are preallocation, not damage: cut, but not reported.
    const truncatedBytes = scan.damage === undefined ? 0 : scan.fileSize - scan.validEnd;
    if (scan.fileSize > scan.validEnd) {
      await handle.truncate(scan.validEnd);
      await handle.datasync();
    }
    const replay: JournalReplay = {
      batches,
      ops,
      size: scan.validEnd,
      truncatedBytes,
      ...(scan.damage === undefined ? {} : { damage: scan.damage }),
    };
    keep = keepOpen;
    return keepOpen ? { replay, journal: { path, handle, size: scan.validEnd } } : { replay };
  } finally {
    if (!keep) await handle.close();
  }
}
