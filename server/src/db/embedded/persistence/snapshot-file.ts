import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'bson';
import { fsyncDir, snapshotFileName, snapshotTempName } from './generation-files.js';
import { asJournalOp, type JournalOp } from './journal-op.js';
import { PersistenceError } from './persistence-error.js';
import { decodeRecordPayload, encodeRecord, frameRecord, MAGIC_BYTES, SNAPSHOT_MAGIC } from './record-format.js';
import { scanRecords } from './record-scanner.js';
import { writeFully } from './write-fully.js';

// Records of about 1 MiB: few writes, and each serialisation step blocks the event loop only briefly.
const SNAPSHOT_RECORD_BYTES = 1024 * 1024;

/** Key of the document that closes a snapshot; its absence means the file is incomplete. */
const END_KEY = '$snapshotEnd';

/**
 * Writes the state as a snapshot under its temp name and fsyncs it; nothing counts until
 * `publishSnapshot` renames it. Ops are serialised a record at a time, yielding to the event
 * loop between records so requests keep being served during a large checkpoint.
 */
export async function writeSnapshotTemp(dir: string, generation: number, ops: Iterator<JournalOp>): Promise<number> {
  const path = join(dir, snapshotTempName(generation));
  const handle = await open(path, 'w');
  let inFlight: Promise<void> = Promise.resolve();
  try {
    await writeFully(handle, SNAPSHOT_MAGIC, 0);
    let position = MAGIC_BYTES;
    let parts: Uint8Array[] = [];
    let partBytes = 0;
    let count = 0;
    // Serialising the next record overlaps writing the previous one.
    const flush = async (record: Buffer): Promise<void> => {
      await inFlight;
      inFlight = writeFully(handle, record, position);
      position += record.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    for (let next = ops.next(); !next.done; next = ops.next()) {
      const part = serialize(next.value);
      parts.push(part);
      partBytes += part.length;
      count++;
      if (partBytes >= SNAPSHOT_RECORD_BYTES) {
        await flush(frameRecord(parts));
        parts = [];
        partBytes = 0;
      }
    }
    if (parts.length > 0) await flush(frameRecord(parts));
    await flush(encodeRecord([{ [END_KEY]: count, generation }]));
    await inFlight;
    // Full fsync, not fdatasync: the rename below must never expose a file whose size is stale.
    await handle.sync();
    await handle.close();
    return count;
  } catch (error) {
    await inFlight.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
}

/** Renames a finished temp snapshot into place and makes the rename durable: the commit point of a checkpoint. */
export async function publishSnapshot(dir: string, generation: number): Promise<void> {
  await rename(join(dir, snapshotTempName(generation)), join(dir, snapshotFileName(generation)));
  await fsyncDir(dir);
}

/** Deletes a temp snapshot left by a checkpoint that did not reach its commit point. */
export async function discardSnapshotTemp(dir: string, generation: number): Promise<void> {
  await unlink(join(dir, snapshotTempName(generation))).catch(() => undefined);
}

/**
 * Applies every op of a published snapshot. A published snapshot was fsynced before its rename,
 * so damage here is real data loss, not a crash artefact: it fails loudly rather than start
 * with part of the data.
 */
export async function loadSnapshot(path: string, apply: (op: JournalOp) => void): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await handle.read(magic, 0, MAGIC_BYTES, 0);
    if (bytesRead !== MAGIC_BYTES || !magic.equals(SNAPSHOT_MAGIC)) {
      throw new PersistenceError('data_corrupt', `${path} is not a CareLoop snapshot (bad magic)`);
    }
    let applied = 0;
    let declared: number | undefined;
    const scan = await scanRecords(handle, MAGIC_BYTES, (payload, offset) => {
      for (const doc of decodeRecordPayload(payload)) {
        if (declared !== undefined) {
          throw new PersistenceError('data_corrupt', `${path} has data after its end marker (offset ${offset})`);
        }
        if (END_KEY in doc) {
          declared = Number(doc[END_KEY]);
          continue;
        }
        const op = asJournalOp(doc);
        if (!op) throw new PersistenceError('data_corrupt', `${path} holds an unknown op at offset ${offset}`);
        apply(op);
        applied++;
      }
    });
    if (scan.damage !== undefined || declared !== applied) {
      throw new PersistenceError(
        'data_corrupt',
        `snapshot ${path} is damaged (${scan.damage ?? `it holds ${applied} ops, its end marker says ${declared ?? 'nothing'}`}); ` +
          'it was fsynced before being renamed into place, so the disk lost data: restore the data directory from a backup',
      );
    }
    return applied;
  } finally {
    await handle.close();
  }
}
