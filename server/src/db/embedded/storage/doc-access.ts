import type { Document } from 'bson';
import type { JournalOp } from '../persistence/persistence.js';
import type { Matcher } from '../query/matcher.js';
import type { Plan } from '../query/planner.js';
import type { LockTable } from '../txn/lock-table.js';
import type { Transaction } from '../txn/transaction.js';
import { writeConflictError } from '../errors.js';
import { ridOf, type Collection } from './collection.js';
import { changedSince, versionAt } from './version-clock.js';

/** Thrown by a plain write that touches a document a transaction holds; the command waits and retries. */
export class LockedError extends Error {
  constructor(readonly wait: Promise<void>) {
    super('document locked by a transaction');
  }
}

/** Where a command's reads and writes go: straight to the collections, or into its transaction. */
export interface WriteScope {
  txn: Transaction | null;
  locks: LockTable;
  /** Journal ops of a plain write, committed when the command finishes. */
  ops: JournalOp[];
}

/** A matching document with its record id. */
export interface Hit {
  rid: string;
  doc: Document;
}

/**
 * The documents of `coll` matching `filter`, as the scope sees them: committed data, overlaid
 * with the transaction's own pending writes. Uses the planner's candidates, then the full matcher.
 */
export function readMatches(
  scope: WriteScope,
  coll: Collection | undefined,
  filter: Document,
  matcher: Matcher,
  hint?: string | Document,
  limit = Infinity,
): { plan: Plan | null; hits: Hit[]; examined: number } {
  if (!coll) return { plan: null, hits: [], examined: 0 };
  const { plan, docs } = coll.candidates(filter, hint);
  const txn = scope.txn;
  const overlay = txn?.writes.get(coll);
  // In a transaction, documents changed since its snapshot are read as of the snapshot.
  const history = txn && coll.history.size > 0 ? coll.history : null;
  const hits: Hit[] = [];
  let examined = 0;
  for (const doc of docs) {
    examined++;
    const rid = ridOf(doc);
    if (overlay?.has(rid) || history?.has(rid)) continue;
    if (matcher(doc)) {
      hits.push({ rid, doc });
      if (hits.length >= limit) return { plan, hits, examined };
    }
  }
  if (history) {
    for (const [rid, entries] of history) {
      if (overlay?.has(rid)) continue;
      const doc = versionAt(coll.docs.get(rid), entries, txn!.snapshotTs);
      if (doc && matcher(doc)) {
        hits.push({ rid, doc });
        if (hits.length >= limit) return { plan, hits, examined };
      }
    }
  }
  if (overlay) {
    for (const [rid, doc] of overlay) {
      if (doc && matcher(doc)) {
        hits.push({ rid, doc });
        if (hits.length >= limit) break;
      }
    }
  }
  return { plan, hits, examined };
}

/** All documents of a collection as the scope sees them (aggregation input, $lookup). */
export function allDocs(scope: WriteScope, coll: Collection | undefined): Document[] {
  if (!coll) return [];
  if (!scope.txn) return [...coll.docs.values()];
  return readMatches(scope, coll, {}, () => true).hits.map((h) => h.doc);
}

/** Fails fast (before anything changes) when a plain write would touch a transaction's documents. */
export function assertUnlocked(scope: WriteScope, coll: Collection, rids: Iterable<string>): void {
  if (scope.txn) return;
  for (const rid of rids) {
    if (scope.locks.owner(coll, rid)?.state === 'active') throw new LockedError(scope.locks.waitForRelease());
  }
}

/**
 * Takes a transaction's write lock on a document: WriteConflict when another transaction holds
 * it or when the document changed after the transaction's snapshot (no lost updates).
 */
function lockForTransaction(scope: WriteScope, coll: Collection, rid: string): void {
  const txn = scope.txn!;
  if (changedSince(coll.history.get(rid), txn.snapshotTs)) throw writeConflictError();
  scope.locks.acquire(txn, coll, rid);
}

/** Stores a new document (insert or upsert). Duplicate keys throw before anything changes. */
export function insertDoc(scope: WriteScope, coll: Collection, doc: Document): void {
  const rid = ridOf(doc);
  if (scope.txn) {
    const overlay = scope.txn.overlay(coll);
    lockForTransaction(scope, coll, rid);
    coll.check(doc, rid, true, overlay);
    overlay.set(rid, doc);
    return;
  }
  assertUnlocked(scope, coll, [rid]);
  coll.check(doc, rid, true);
  coll.put(rid, doc);
  scope.ops.push({ op: 'put', db: coll.db, coll: coll.name, doc });
}

/** Replaces the document at `rid` with `doc` (same `_id`). */
export function replaceDoc(scope: WriteScope, coll: Collection, rid: string, doc: Document): void {
  if (scope.txn) {
    const overlay = scope.txn.overlay(coll);
    lockForTransaction(scope, coll, rid);
    coll.check(doc, rid, false, overlay);
    overlay.set(rid, doc);
    return;
  }
  coll.check(doc, rid, false);
  coll.put(rid, doc);
  scope.ops.push({ op: 'put', db: coll.db, coll: coll.name, doc });
}

/** Deletes the document at `rid`. */
export function deleteDoc(scope: WriteScope, coll: Collection, rid: string, doc: Document): void {
  if (scope.txn) {
    lockForTransaction(scope, coll, rid);
    scope.txn.overlay(coll).set(rid, null);
    return;
  }
  coll.remove(rid);
  scope.ops.push({ op: 'del', db: coll.db, coll: coll.name, id: doc._id });
}
