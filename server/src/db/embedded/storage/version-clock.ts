import type { Document } from 'bson';

/** A change recorded while some transaction may still need the version before it. */
export interface HistoryEntry {
  /** Logical time of the change. */
  ts: number;
  /** The document as it was before the change (null: it did not exist). */
  prev: Document | null;
}

/** What a collection exposes to the clock for garbage collection. */
export interface VersionedStore {
  readonly history: Map<string, HistoryEntry[]>;
}

/**
 * Logical time for snapshot isolation. Every document change ticks the clock; while any
 * transaction is open, collections keep the version each change replaced, so a transaction reads
 * the data as of its start and detects writes to documents changed since (WriteConflict).
 * With no transaction open nothing is recorded, so plain workloads pay nothing.
 */
export class VersionClock {
  now = 0;
  private readonly snapshots = new Map<number, number>();
  private readonly stores = new Set<VersionedStore>();

  /** True while some transaction holds a snapshot. */
  get recording(): boolean {
    return this.snapshots.size > 0;
  }

  /** Takes a snapshot timestamp for a starting transaction. */
  beginSnapshot(): number {
    const ts = this.now;
    this.snapshots.set(ts, (this.snapshots.get(ts) ?? 0) + 1);
    return ts;
  }

  /** Releases a snapshot; drops history no open snapshot needs. */
  endSnapshot(ts: number): void {
    const n = this.snapshots.get(ts);
    if (n === undefined) return;
    if (n <= 1) this.snapshots.delete(ts);
    else this.snapshots.set(ts, n - 1);
    this.collect();
  }

  /** Records that `store` replaced `prev` at a new tick; returns the tick. */
  record(store: VersionedStore, rid: string, prev: Document | null): number {
    const ts = ++this.now;
    if (this.snapshots.size === 0) return ts;
    let entries = store.history.get(rid);
    if (!entries) store.history.set(rid, (entries = []));
    entries.push({ ts, prev });
    this.stores.add(store);
    return ts;
  }

  private collect(): void {
    if (this.snapshots.size === 0) {
      for (const store of this.stores) store.history.clear();
      this.stores.clear();
      return;
    }
    const oldest = Math.min(...this.snapshots.keys());
    for (const store of this.stores) {
      for (const [rid, entries] of store.history) {
        // An entry at ts is needed only by snapshots taken before ts.
        const keep = entries.filter((e) => e.ts > oldest);
        if (keep.length === 0) store.history.delete(rid);
        else if (keep.length !== entries.length) store.history.set(rid, keep);
      }
      if (store.history.size === 0) this.stores.delete(store);
    }
  }
}

/** The version of a document as of snapshot `ts` given its current value and its history. */
export function versionAt(current: Document | undefined, entries: HistoryEntry[] | undefined, ts: number): Document | null {
  if (entries) for (const e of entries) if (e.ts > ts) return e.prev;
  return current ?? null;
}

/** True when the document changed after snapshot `ts`. */
export function changedSince(entries: HistoryEntry[] | undefined, ts: number): boolean {
  return !!entries && entries.some((e) => e.ts > ts);
}
