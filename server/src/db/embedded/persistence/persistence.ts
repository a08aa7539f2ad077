import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DirLock } from './dir-lock.js';
import { fsyncDir, journalFileName, listGenerations, snapshotFileName } from './generation-files.js';
import { createJournal, replayJournal } from './journal-file.js';
import type { JournalOp } from './journal-op.js';
import { JournalWriter, type OpenJournal } from './journal-writer.js';
import { PersistenceError } from './persistence-error.js';
import { encodeRecord } from './record-format.js';
import { discardSnapshotTemp, loadSnapshot, publishSnapshot, writeSnapshotTemp } from './snapshot-file.js';

export type { JournalOp } from './journal-op.js';
export { PersistenceError, type PersistenceErrorCode } from './persistence-error.js';

/** Where and how the embedded server keeps its data on disk. */
export interface PersistenceOptions {
  /** Data directory; created if missing. */
  dir: string;
  /** Journal bytes after which `needsCheckpoint` becomes true; default 64 MiB. */
  checkpointBytes?: number;
  /** Max time a non-j write may wait for fsync batching; default 100 ms. */
  syncIntervalMs?: number;
}

/** What `open` found on disk, for the server to log at start-up. */
export interface RecoveryReport {
  /** Generation of the snapshot loaded, if there was one. */
  snapshotGeneration?: number;
  /** Ops applied from the snapshot. */
  snapshotOps: number;
  /** Journals replayed, oldest first. */
  journals: string[];
  /** Batches and ops applied from journals. */
  journalBatches: number;
  journalOps: number;
  /** Bytes cut off journal ends: a torn tail after a crash, or damage. */
  truncatedBytes: number;
  /** One line per journal that had bytes cut off, saying where and why. */
  warnings: string[];
}

const DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024;
const DEFAULT_SYNC_INTERVAL_MS = 100;
// After a failed checkpoint (typically a full disk) `needsCheckpoint` stays false this long, so
// an engine that checkpoints whenever it is true does not retry in a tight loop.
const CHECKPOINT_RETRY_DELAY_MS = 10_000;

/**
 * Durability for the in-memory storage engine: every batch of changes goes to an append-only
 * journal (group commit: concurrent appends share one write and one fdatasync), the journal is
 * compacted into a snapshot at checkpoints, and `open` rebuilds the state from the newest
 * snapshot plus the journals after it. See generation-files.ts for the on-disk layout.
 */
export class Persistence {
  private closing: Promise<void> | undefined;
  private checkpointChain: Promise<void> = Promise.resolve();
  private checkpointsRunning = 0;
  // Journal bytes appended since open, and how many of them the newest durable snapshot covers.
  private appendedBytes: number;
  private coveredBytes = 0;
  private checkpointRetryAt = 0;

  private constructor(
    /** Absolute path of the data directory. */
    readonly dir: string,
    /** What was found and applied at open. */
    readonly recovery: RecoveryReport,
    private readonly lock: DirLock,
    private readonly writer: JournalWriter,
    private generation: number,
    private readonly checkpointBytes: number,
    replayedBytes: number,
  ) {
    this.appendedBytes = replayedBytes;
  }

  /**
   * Opens (creating) the data dir, takes its lock (a second open, in this or another process,
   * fails with `data_dir_locked`), and replays the newest snapshot and the journals after it by
   * calling `apply` for every op in order. A torn tail record is cut off, never applied.
   * `apply` must tolerate ops whose effect the state already has (a put of an existing
   * document, a drop of a missing collection): batches appended while a checkpoint was
   * running can be both in its snapshot and in the next journal.
   */
  static async open(options: PersistenceOptions, apply: (op: JournalOp) => void): Promise<Persistence> {
    const dir = resolve(options.dir);
    const firstCreated = await mkdir(dir, { recursive: true });
    if (firstCreated !== undefined) {
      // A directory created just now only survives a power cut once each new level's entry
      // in its parent is fsynced.
      for (let level = dir; ; level = dirname(level)) {
        await fsyncDir(dirname(level));
        if (level === firstCreated) break;
      }
    }
    const lock = await DirLock.acquire(dir);
    let active: OpenJournal | undefined;
    try {
      const listing = await listGenerations(dir);
      for (const temp of listing.temps) await unlink(join(dir, temp));

      const report: RecoveryReport = {
        snapshotOps: 0,
        journals: [],
        journalBatches: 0,
        journalOps: 0,
        truncatedBytes: 0,
        warnings: [],
      };
      const base = listing.snapshots.at(-1);
      if (base !== undefined) {
        report.snapshotGeneration = base;
        report.snapshotOps = await loadSnapshot(join(dir, snapshotFileName(base)), apply);
      }
      const journals = listing.journals.filter((generation) => base === undefined || generation >= base);
      let replayedBytes = 0;
      for (const [index, generation] of journals.entries()) {
        const name = journalFileName(generation);
        const last = index === journals.length - 1;
        const { replay, journal } = await replayJournal(join(dir, name), apply, last);
        if (journal) active = journal;
        report.journals.push(name);
        report.journalBatches += replay.batches;
        report.journalOps += replay.ops;
        report.truncatedBytes += replay.truncatedBytes;
        replayedBytes += replay.size;
        if (replay.truncatedBytes > 0) {
          report.warnings.push(`${name}: cut off ${replay.truncatedBytes} bytes (${replay.damage ?? 'damaged tail'})`);
        }
      }
      const generation = journals.at(-1) ?? base ?? 1;
      active ??= await createJournal(dir, generation);

      // Files a finished checkpoint did not get round to deleting before a crash.
      const obsolete = [
        ...listing.snapshots.filter((g) => base !== undefined && g < base).map(snapshotFileName),
        ...listing.journals.filter((g) => base !== undefined && g < base).map(journalFileName),
      ];
      for (const name of obsolete) await unlink(join(dir, name));
      if (obsolete.length > 0 || listing.temps.length > 0) await fsyncDir(dir);

      const writer = new JournalWriter(active, options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS);
      return new Persistence(
        dir,
        report,
        lock,
        writer,
        generation,
        options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES,
        replayedBytes,
      );
    } catch (error) {
      await active?.handle.close().catch(() => undefined);
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Appends one atomic batch (all ops of one write command or one committed transaction; on
   * replay all or none are applied). Resolves once written with write(2) — that survives kill -9
   * of the process — and, when `j`, once an fdatasync covers it. Concurrent calls share one
   * write and one fsync; non-j batches are fsynced within `syncIntervalMs`; the order on disk
   * is the order of calls. The ops are serialised during the call, so the caller may reuse
   * them afterwards. An empty batch writes nothing and resolves when everything appended
   * before it is written (and synced, with `j`): a flush barrier for the `fsync` command.
   * Rejects with a `PersistenceError`: `journal_write_failed` (e.g. disk full: the batch was
   * not kept, later appends may succeed), `journal_unusable` (an fsync failed: restart needed)
   * or `closed`.
   */
  append(ops: JournalOp[], options: { j: boolean }): Promise<void> {
    if (this.closing) return Promise.reject(closedError());
    let record: Buffer | undefined;
    if (ops.length > 0) {
      try {
        record = encodeRecord(ops);
      } catch (cause) {
        if (cause instanceof PersistenceError) return Promise.reject(cause);
        return Promise.reject(
          new PersistenceError('journal_write_failed', `the batch cannot be serialised as BSON: ${String(cause)}`, { cause }),
        );
      }
      this.appendedBytes += record.length;
    }
    return this.writer.append(record, options.j);
  }

  /**
   * True when the journal has grown past `checkpointBytes` since the last snapshot, no
   * checkpoint is running, and none failed in the last 10 s.
   */
  get needsCheckpoint(): boolean {
    return (
      !this.closing &&
      this.checkpointsRunning === 0 &&
      this.appendedBytes - this.coveredBytes >= this.checkpointBytes &&
      performance.now() >= this.checkpointRetryAt
    );
  }

  /**
   * Compacts: writes `dump` (the whole state as ops, taken at call time; iterated lazily) as a
   * snapshot — temp file, fsync, rename, fsync dir — while appends made after this call go to
   * a fresh journal generation, then deletes the older generation. `dump` must reflect every
   * batch whose `append` was called before this call. Crash at any point: the old generation
   * plus the new journal still replay to the right state. Concurrent checkpoints run one after
   * another, in call order. A failed checkpoint (e.g. disk full while writing the snapshot)
   * rejects, leaves the previous snapshot and every journal since in place, and loses nothing;
   * appends made after the call still went to the new journal, which recovery replays.
   */
  checkpoint(dump: Iterable<JournalOp>): Promise<void> {
    if (this.closing) return Promise.reject(closedError());
    const generation = ++this.generation;
    const ops = dump[Symbol.iterator]();
    const appendedAtCall = this.appendedBytes;
    const rotated = this.writer.rotate(() => createJournal(this.dir, generation));
    rotated.catch(() => undefined); // awaited below; this only stops an unhandled-rejection report
    this.checkpointsRunning++;
    const run = this.checkpointChain.then(async () => {
      try {
        await writeSnapshotTemp(this.dir, generation, ops);
        // Committing the snapshot before appends after this call have a journal of their own
        // would make recovery skip the journal they are in.
        await rotated;
      } catch (error) {
        await discardSnapshotTemp(this.dir, generation);
        throw error;
      }
      await publishSnapshot(this.dir, generation);
      this.coveredBytes = Math.max(this.coveredBytes, appendedAtCall);
      await this.deleteGenerationsBefore(generation);
    });
    const settled = run.then(
      () => {
        this.checkpointsRunning--;
      },
      (error: unknown) => {
        this.checkpointsRunning--;
        this.checkpointRetryAt = performance.now() + CHECKPOINT_RETRY_DELAY_MS;
        throw error;
      },
    );
    this.checkpointChain = settled.catch(() => undefined);
    return settled;
  }

  /** Waits for running checkpoints, writes and fsyncs everything queued, closes the journal and releases the lock. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.checkpointChain;
        await this.writer.close();
      } finally {
        await this.lock.release();
      }
    })();
    return this.closing;
  }

  private async deleteGenerationsBefore(generation: number): Promise<void> {
    const listing = await listGenerations(this.dir);
    const names = [
      ...listing.snapshots.filter((g) => g < generation).map(snapshotFileName),
      ...listing.journals.filter((g) => g < generation).map(journalFileName),
    ];
    for (const name of names) await unlink(join(this.dir, name));
    if (names.length > 0) await fsyncDir(this.dir);
  }
}

function closedError(): PersistenceError {
  return new PersistenceError('closed', 'persistence is closed; open the data directory again to write');
}
