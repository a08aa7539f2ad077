import type { FileHandle } from 'node:fs/promises';
import { PersistenceError } from './persistence-error.js';
import { writeFully } from './write-fully.js';

/** A journal file open for appending, and how many bytes of it are valid. */
export interface OpenJournal {
  path: string;
  handle: FileHandle;
  size: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A batch to write; `record` is undefined for a barrier that only waits for what came before. */
interface DataEntry {
  kind: 'data';
  record: Buffer | undefined;
  j: boolean;
  waiter: Waiter;
}

/** Switch to a new file once every earlier entry is written and synced. */
interface RotateEntry {
  kind: 'rotate';
  openNext: () => Promise<OpenJournal>;
  waiter: Waiter;
}

type Entry = DataEntry | RotateEntry;

// One write(2) per group, but not an unbounded Buffer.concat when a burst of big batches queues up.
const MAX_GROUP_BYTES = 8 * 1024 * 1024;

/** Default size of the zero-filled run kept ahead of the journal's end; see `extendAhead`. */
export const DEFAULT_PREALLOCATE_BYTES = 2 * 1024 * 1024;

let zeros: Buffer | undefined;

/**
 * Group commit for the journal. Appends queue up while a write is in flight and then go to disk
 * together in one positional write; fdatasync runs beside the writes and each sync acknowledges
 * every `j` batch written before it started, so N concurrent durable writers share one sync
 * instead of paying for N. Batches that did not ask for `j` are acknowledged once written (the
 * page cache survives kill -9 of the process) and are synced within `syncIntervalMs`.
 *
 * Invariants: one write at a time, in queue order, at `written`; `synced <= written <= allocated`
 * once a write completes; `awaitingSync` is ordered by `end`; a preallocation only ever writes
 * at or past `allocated`, so it never overlaps data. A failed write is truncated away so later batches never
 * land behind a hole; a failed fsync makes the writer refuse everything, because after one the
 * kernel may have dropped dirty pages and nothing about the file can be promised any more.
 */
export class JournalWriter {
  private file: OpenJournal;
  private written: number;
  private synced: number;
  private readonly queue: Entry[] = [];
  private readonly awaitingSync: { end: number; waiter: Waiter }[] = [];
  private readonly syncIdleWaiters: (() => void)[] = [];
  private writing = false;
  private pumpScheduled = false;
  private syncing = false;
  private syncDue = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: PersistenceError | undefined;
  private allocated: number;
  private extending: Promise<void> | undefined;
  private preallocateRetryAt = 0;

  /**
   * @param syncIntervalMs longest a non-j batch stays unsynced
   * @param preallocateBytes size of the zero-filled run kept ahead of the data (0: none)
   */
  constructor(
    file: OpenJournal,
    private readonly syncIntervalMs: number,
    private readonly preallocateBytes = DEFAULT_PREALLOCATE_BYTES,
  ) {
    this.file = file;
    this.written = file.size;
    this.synced = file.size;
    this.allocated = file.size;
  }

  /** Path of the file appends currently go to. */
  get currentPath(): string {
    return this.file.path;
  }

  /** Queues a record; resolves when written, or when written and fdatasynced if `j`. */
  append(record: Buffer | undefined, j: boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'data', record, j, waiter: { resolve, reject } });
      this.schedulePump();
    });
  }

  /**
   * Makes every append queued after this call go to the file `openNext` creates, once every
   * append queued before it is written and synced in the old one. If `openNext` fails the
   * writer stays on the old file and the returned promise rejects.
   */
  rotate(openNext: () => Promise<OpenJournal>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'rotate', openNext, waiter: { resolve, reject } });
      this.schedulePump();
    });
  }

  /** Writes and syncs everything queued, then closes the file; the writer is unusable after. */
  async close(): Promise<void> {
    let flushError: unknown;
    try {
      await this.append(undefined, true);
    } catch (error) {
      flushError = error;
    }
    this.clearTimer();
    this.failure ??= new PersistenceError('closed', 'the journal is closed');
    await this.extending;
    // A cleanly closed journal ends at its last record. Best effort: a zero tail left by a
    // failure here reads as the end of the journal anyway.
    if (flushError === undefined) await this.trim(this.file, this.written, true);
    await this.file.handle.close();
    if (flushError !== undefined && !(flushError instanceof PersistenceError && flushError.code === 'closed')) {
      throw flushError;
    }
  }

  // Deferred to the check phase so every request parsed in this turn of the event loop joins
  // the same write, instead of the first one going out alone.
  private schedulePump(): void {
    if (this.writing || this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.writing || this.failure) return;
    const head = this.queue[0];
    if (!head) return;
    this.writing = true;
    if (head.kind === 'rotate') {
      this.queue.shift();
      void this.rotateNow(head);
      return;
    }
    const buffers: Buffer[] = [];
    let bytes = 0;
    let count = 0;
    for (const entry of this.queue) {
      if (entry.kind !== 'data' || (count > 0 && bytes >= MAX_GROUP_BYTES)) break;
      if (entry.record) {
        buffers.push(entry.record);
        bytes += entry.record.length;
      }
      count++;
    }
    const group = this.queue.splice(0, count) as DataEntry[];
    void this.writeGroup(group, buffers, bytes);
  }

  private async writeGroup(group: DataEntry[], buffers: Buffer[], bytes: number): Promise<void> {
    const start = this.written;
    // Writing past the preallocated run while it is being extended could interleave with the zeros.
    if (start + bytes > this.allocated && this.extending) await this.extending;
    if (bytes > 0) {
      try {
        await writeFully(this.file.handle, buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, bytes), start);
        this.written = start + bytes;
      } catch (cause) {
        await this.rollBack(start, bytes, group, cause);
        this.writing = false;
        this.pump();
        return;
      }
    }
    if (this.failure) {
      // An fsync failed while this group was being written: nothing more can be promised.
      for (const entry of group) entry.waiter.reject(this.failure);
      this.writing = false;
      return;
    }
    this.allocated = Math.max(this.allocated, this.written);
    this.extendAhead();
    let durableWanted = false;
    for (const entry of group) {
      if (entry.j) {
        this.awaitingSync.push({ end: this.written, waiter: entry.waiter });
        durableWanted = true;
      } else {
        entry.waiter.resolve();
      }
    }
    if (durableWanted) this.startSync();
    else if (this.synced < this.written) this.armTimer();
    this.writing = false;
    this.pump();
  }

  /** Cuts a failed (maybe partly written) group off the file so the next group follows valid data. */
  private async rollBack(start: number, bytes: number, group: DataEntry[], cause: unknown): Promise<void> {
    const error = new PersistenceError(
      'journal_write_failed',
      `could not write ${bytes} bytes to ${this.file.path} (${describe(cause)}); the write was not kept`,
      { cause },
    );
    for (const entry of group) entry.waiter.reject(error);
    await this.extending;
    try {
      await this.file.handle.truncate(start);
      this.allocated = start;
      // A full disk is the usual cause: do not refill the space at once.
      this.preallocateRetryAt = start + this.preallocateBytes;
    } catch (truncateCause) {
      this.fail(
        new PersistenceError(
          'journal_unusable',
          `could not cut a failed write off ${this.file.path} (${describe(truncateCause)}); ` +
            'no further write is accepted; restart the server to recover from the journal',
          { cause: truncateCause },
        ),
      );
    }
  }

  /**
   * Keeps a run of zeros, already allocated and fdatasynced, ahead of the data. fdatasync of a
   * write that extends a file must also commit the filesystem journal (new size, new blocks),
   * which on ext4 queues behind every other process's fsync; overwriting blocks that already
   * exist needs only the data flushed — measured 2–3× faster on a busy disk. PostgreSQL
   * preallocates its WAL segments for the same reason. Recovery reads the zeros as the end.
   */
  private extendAhead(): void {
    if (this.extending || this.failure || this.preallocateBytes <= 0) return;
    if (this.allocated - this.written >= this.preallocateBytes / 2 || this.written < this.preallocateRetryAt) return;
    const file = this.file;
    const from = this.allocated;
    const length = this.preallocateBytes;
    this.extending = (async () => {
      try {
        zeros ??= Buffer.alloc(Math.min(length, 1024 * 1024));
        for (let done = 0; done < length; done += zeros.length) {
          await writeFully(file.handle, zeros.subarray(0, Math.min(zeros.length, length - done)), from + done);
        }
      } catch {
        // Out of space, probably: preallocation is only an optimisation, and the data write
        // that needs the space will report the problem. Try again further on.
        this.preallocateRetryAt = this.written + length;
        return;
      }
      try {
        await file.handle.datasync();
      } catch (cause) {
        this.fail(
          new PersistenceError(
            'journal_unusable',
            `fdatasync of ${file.path} failed (${describe(cause)}); no further write is accepted; ` +
              'restart the server to recover from the journal',
            { cause },
          ),
        );
        return;
      }
      if (this.file === file) this.allocated = Math.max(this.allocated, from + length);
    })().finally(() => {
      this.extending = undefined;
    });
  }

  /** Cuts the zero run off a file that will receive no more records. */
  private async trim(file: OpenJournal, size: number, sync: boolean): Promise<void> {
    try {
      await file.handle.truncate(size);
      if (sync) await file.handle.datasync();
    } catch {
      // Harmless: recovery reads a zero tail as the end of the journal.
    }
  }

  private startSync(): void {
    if (this.syncing || this.failure) return;
    if (this.synced >= this.written) {
      this.syncDue = false;
      this.resolveSynced();
      this.notifySyncIdle();
      return;
    }
    if (this.awaitingSync.length === 0 && !this.syncDue) {
      this.notifySyncIdle();
      return;
    }
    this.syncing = true;
    this.syncDue = false;
    this.clearTimer(); // this sync covers everything written so far
    const target = this.written;
    const file = this.file;
    file.handle.datasync().then(
      () => {
        this.syncing = false;
        if (this.file === file) this.synced = Math.max(this.synced, target);
        this.resolveSynced();
        // Groups written (or a timer that fired) while this sync ran need the next one.
        if (this.awaitingSync.length > 0 || this.syncDue) this.startSync();
        else if (this.synced < this.written) this.armTimer();
        this.notifySyncIdle();
      },
      (cause: unknown) => {
        this.syncing = false;
        this.fail(
          new PersistenceError(
            'journal_unusable',
            `fdatasync of ${file.path} failed (${describe(cause)}); writes since the last successful sync may be lost, ` +
              'so no further write is accepted; restart the server to recover from the journal',
            { cause },
          ),
        );
        this.notifySyncIdle();
      },
    );
  }

  private resolveSynced(): void {
    while (this.awaitingSync.length > 0 && this.awaitingSync[0]!.end <= this.synced) {
      this.awaitingSync.shift()!.waiter.resolve();
    }
  }

  private notifySyncIdle(): void {
    if (this.syncing) return;
    for (const wake of this.syncIdleWaiters.splice(0)) wake();
  }

  private armTimer(): void {
    if (this.timer || this.failure) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.syncDue = true;
      this.startSync();
    }, this.syncIntervalMs);
    // A pending sync must not keep the process alive: written data already survives its exit.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async rotateNow(entry: RotateEntry): Promise<void> {
    try {
      // The old file must be wholly durable before anything lands in the new one, or a power
      // cut could keep a later batch and lose an earlier one.
      while (this.syncing) await new Promise<void>((wake) => this.syncIdleWaiters.push(wake));
      if (this.failure) throw this.failure;
      await this.extending;
      if (this.failure) throw this.failure;
      if (this.synced < this.written) {
        this.syncDue = true;
        this.startSync();
        while (this.syncing) await new Promise<void>((wake) => this.syncIdleWaiters.push(wake));
        if (this.failure) throw this.failure;
      }
      const next = await entry.openNext();
      const old = this.file;
      const oldSize = this.written;
      this.file = next;
      this.written = next.size;
      this.synced = next.size;
      this.allocated = next.size;
      this.preallocateRetryAt = 0;
      this.clearTimer();
      entry.waiter.resolve();
      // Everything in the old file is synced; trimming and closing it cannot lose data, so
      // appends to the new file need not wait for it.
      void this.trim(old, oldSize, false).then(() => old.handle.close().catch(() => undefined));
    } catch (error) {
      entry.waiter.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.writing = false;
    this.pump();
  }

  private fail(error: PersistenceError): void {
    if (this.failure) return;
    this.failure = error;
    this.clearTimer();
    for (const entry of this.queue.splice(0)) entry.waiter.reject(error);
    for (const pending of this.awaitingSync.splice(0)) pending.waiter.reject(error);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
