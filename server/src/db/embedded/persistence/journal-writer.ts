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

/**
 * Group commit for the journal. Appends queue up while a write is in flight and then go to disk
 * together in one positional write; fdatasync runs beside the writes and each sync acknowledges
 * every `j` batch written before it started, so N concurrent durable writers share one sync
 * instead of paying for N. Batches that did not ask for `j` are acknowledged once written (the
 * page cache survives kill -9 of the process) and are synced within `syncIntervalMs`.
 *
 * Invariants: one write at a time, in queue order, at `written`; `synced <= written`;
 * `awaitingSync` is ordered by `end`. A failed write is truncated away so later batches never
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

  constructor(
    file: OpenJournal,
    private readonly syncIntervalMs: number,
  ) {
    this.file = file;
    this.written = file.size;
    this.synced = file.size;
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
    try {
      await this.file.handle.truncate(start);
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
      if (this.synced < this.written) {
        this.syncDue = true;
        this.startSync();
        while (this.syncing) await new Promise<void>((wake) => this.syncIdleWaiters.push(wake));
        if (this.failure) throw this.failure;
      }
      const next = await entry.openNext();
      const old = this.file;
      this.file = next;
      this.written = next.size;
      this.synced = next.size;
      this.clearTimer();
      entry.waiter.resolve();
      // Everything in the old file is synced; a failing close cannot lose data.
      await old.handle.close().catch(() => undefined);
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
