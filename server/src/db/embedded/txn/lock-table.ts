import { writeConflictError } from '../errors.js';
import type { Collection } from '../storage/collection.js';
import type { Transaction } from './transaction.js';

/**
 * Document write locks held by open transactions. A second transaction writing the same
 * document gets WriteConflict (with the TransientTransactionError label, so the driver's
 * `withTransaction` retries); a plain write waits until the transaction ends, as in MongoDB.
 */
export class LockTable {
  private readonly owners = new Map<string, Transaction>();
  private readonly held = new Map<Transaction, string[]>();
  private waiters: Array<() => void> = [];

  /** The transaction holding a document, if any. */
  owner(coll: Collection, rid: string): Transaction | undefined {
    return this.owners.get(`${coll.uid}:${rid}`);
  }

  /** Takes the lock for `txn`; WriteConflict when another transaction holds it. */
  acquire(txn: Transaction, coll: Collection, rid: string): void {
    const key = `${coll.uid}:${rid}`;
    const owner = this.owners.get(key);
    if (owner === txn) return;
    if (owner && owner.state === 'active') throw writeConflictError();
    this.owners.set(key, txn);
    let list = this.held.get(txn);
    if (!list) this.held.set(txn, (list = []));
    list.push(key);
  }

  /** Releases everything `txn` holds and wakes waiting writers. */
  releaseAll(txn: Transaction): void {
    for (const key of this.held.get(txn) ?? []) if (this.owners.get(key) === txn) this.owners.delete(key);
    this.held.delete(txn);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves the next time any transaction releases its locks. */
  waitForRelease(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
