import type { Document } from 'bson';
import type { Collection } from '../storage/collection.js';

/**
 * A multi-document transaction: its writes are buffered here (never in the collections) until
 * commit, so other sessions cannot see them, and an abort simply discards them.
 */
export class Transaction {
  /** Pending writes per collection: record id → new document, or null when deleted. */
  readonly writes = new Map<Collection, Map<string, Document | null>>();
  state: 'active' | 'committed' | 'aborted' = 'active';
  readonly startedAt = Date.now();

  constructor(
    readonly sessionKey: string,
    readonly txnNumber: bigint,
    /** Logical time of the snapshot the transaction reads (VersionClock). */
    readonly snapshotTs: number,
  ) {}

  /** The overlay of one collection (created on first write). */
  overlay(coll: Collection): Map<string, Document | null> {
    let map = this.writes.get(coll);
    if (!map) this.writes.set(coll, (map = new Map()));
    return map;
  }
}
