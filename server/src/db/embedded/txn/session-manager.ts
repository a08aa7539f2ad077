import { Binary, Long, type Document } from 'bson';
import { ErrorCodes, MongoCommandError, writeConflictError } from '../errors.js';
import type { JournalOp } from '../persistence/persistence.js';
import type { Catalog } from '../storage/catalog.js';
import type { LockTable } from './lock-table.js';
import { Transaction } from './transaction.js';

/** MongoDB's default transactionLifetimeLimitSeconds. */
const TRANSACTION_LIFETIME_MS = 60_000;

interface SessionState {
  txnNumber: bigint;
  txn: Transaction | null;
  /** The reply of the last retryable write, returned again when the driver retries it. */
  retryReply: Document | null;
  lastUsed: number;
}

/** Reads `lsid.id` as the session key. */
export function sessionKeyOf(body: Document): string | null {
  const lsid = body.lsid as Document | undefined;
  const id = lsid?.id;
  if (id instanceof Binary) return id.toString('hex');
  return null;
}

function toBigInt(v: unknown): bigint | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Long) return v.toBigInt();
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  return null;
}

function noSuchTransaction(message: string): MongoCommandError {
  return new MongoCommandError(ErrorCodes.NoSuchTransaction, message, { labels: ['TransientTransactionError'] });
}

/**
 * Logical sessions: which transaction a command belongs to (by lsid + txnNumber), commit and
 * abort, retryable-write de-duplication, and the lifetime limit that aborts forgotten transactions.
 */
export class SessionManager {
  private readonly sessions = new Map<string, SessionState>();

  constructor(
    private readonly catalog: Catalog,
    private readonly locks: LockTable,
  ) {}

  private session(key: string): SessionState {
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = { txnNumber: -1n, txn: null, retryReply: null, lastUsed: Date.now() }));
    s.lastUsed = Date.now();
    return s;
  }

  /**
   * The transaction a command runs in (null for a plain command). Starts one on
   * `startTransaction`; NoSuchTransaction when the command names a transaction that is not open.
   */
  transactionFor(body: Document, commandName: string): Transaction | null {
    if (body.autocommit !== false) return null;
    const key = sessionKeyOf(body);
    const txnNumber = toBigInt(body.txnNumber);
    if (!key || txnNumber === null) {
      throw new MongoCommandError(ErrorCodes.InvalidOptions, "'autocommit' field requires a transaction number to also be specified");
    }
    const s = this.session(key);
    if (body.startTransaction === true) {
      if (txnNumber < s.txnNumber || (txnNumber === s.txnNumber && s.txn)) {
        throw new MongoCommandError(
          ErrorCodes.ConflictingOperationInProgress,
          `Cannot start transaction ${txnNumber} on session ${key} because a newer transaction ${s.txnNumber} has already started`,
        );
      }
      if (s.txn?.state === 'active') this.abort(s.txn);
      s.txnNumber = txnNumber;
      s.txn = new Transaction(key, txnNumber, this.catalog.clock.beginSnapshot());
      return s.txn;
    }
    const txn = s.txn;
    if (!txn || s.txnNumber !== txnNumber) {
      throw noSuchTransaction(`Given transaction number ${txnNumber} does not match any in-progress transactions. The active transaction number is ${s.txnNumber}`);
    }
    if (txn.state === 'aborted') throw noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
    if (txn.state === 'committed' && commandName !== 'commitTransaction') {
      throw new MongoCommandError(ErrorCodes.TransactionCommitted, `Transaction with { txnNumber: ${txnNumber} } has been committed.`);
    }
    return txn;
  }

  /** A cached reply for a retried retryable write (same lsid and txnNumber), if any. */
  retriedWrite(body: Document): Document | null {
    const key = sessionKeyOf(body);
    const txnNumber = toBigInt(body.txnNumber);
    if (!key || txnNumber === null) return null;
    const s = this.session(key);
    if (txnNumber < s.txnNumber) {
      throw new MongoCommandError(
        225,
        `Retryable write with txnNumber ${txnNumber} is prohibited on session ${key} because a newer retryable write with txnNumber ${s.txnNumber} has already started on this session.`,
        { codeName: 'TransactionTooOld' },
      );
    }
    if (txnNumber === s.txnNumber && s.retryReply) return s.retryReply;
    return null;
  }

  /** Remembers the reply of a retryable write. */
  recordRetryableWrite(body: Document, reply: Document): void {
    const key = sessionKeyOf(body);
    const txnNumber = toBigInt(body.txnNumber);
    if (!key || txnNumber === null) return;
    const s = this.session(key);
    if (txnNumber < s.txnNumber) return;
    s.txnNumber = txnNumber;
    s.txn = null;
    s.retryReply = reply;
  }

  /**
   * Applies a transaction's writes to the collections, all or nothing, and returns the journal
   * ops to make durable. A unique-index clash with a write committed meanwhile undoes everything
   * and reports WriteConflict so that the driver retries the transaction.
   */
  commit(txn: Transaction): JournalOp[] {
    if (txn.state === 'committed') return [];
    if (txn.state === 'aborted') throw noSuchTransaction(`Transaction with { txnNumber: ${txn.txnNumber} } has been aborted.`);
    const ops: JournalOp[] = [];
    const undo: Array<() => void> = [];
    try {
      for (const [coll, overlay] of txn.writes) {
        if (this.catalog.get(coll.db, coll.name) !== coll) throw writeConflictError();
        for (const [rid, doc] of overlay) {
          if (doc === null) {
            const old = coll.remove(rid);
            if (old) {
              undo.push(() => coll.put(rid, old));
              ops.push({ op: 'del', db: coll.db, coll: coll.name, id: old._id });
            }
          } else {
            const existed = coll.docs.has(rid);
            coll.check(doc, rid, !existed);
            const old = coll.put(rid, doc);
            undo.push(() => (old ? coll.put(rid, old) : coll.remove(rid)));
            ops.push({ op: 'put', db: coll.db, coll: coll.name, doc });
          }
        }
      }
    } catch (err) {
      for (const step of undo.reverse()) step();
      this.abort(txn);
      if (err instanceof MongoCommandError && err.code === ErrorCodes.DuplicateKey) throw writeConflictError();
      throw err;
    }
    txn.state = 'committed';
    this.locks.releaseAll(txn);
    this.catalog.clock.endSnapshot(txn.snapshotTs);
    return ops;
  }

  /** Discards a transaction's writes and releases its locks. */
  abort(txn: Transaction): void {
    if (txn.state !== 'active') return;
    txn.state = 'aborted';
    txn.writes.clear();
    this.locks.releaseAll(txn);
    this.catalog.clock.endSnapshot(txn.snapshotTs);
  }

  /** abortTransaction: NoSuchTransaction when nothing is open under that number. */
  abortCommand(body: Document): void {
    const key = sessionKeyOf(body);
    const txnNumber = toBigInt(body.txnNumber);
    const s = key ? this.sessions.get(key) : undefined;
    if (!s?.txn || s.txnNumber !== txnNumber) throw noSuchTransaction(`Given transaction number ${txnNumber} does not match any in-progress transactions.`);
    if (s.txn.state === 'committed') {
      throw new MongoCommandError(ErrorCodes.TransactionCommitted, `Transaction with { txnNumber: ${txnNumber} } has been committed.`);
    }
    if (s.txn.state === 'aborted') throw noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
    this.abort(s.txn);
  }

  /** endSessions / killSessions: aborts their open transactions and forgets them. */
  end(keys: string[]): void {
    for (const key of keys) {
      const s = this.sessions.get(key);
      if (s?.txn) this.abort(s.txn);
      this.sessions.delete(key);
    }
  }

  /** Aborts transactions past MongoDB's 60-second lifetime and forgets idle sessions (30 min). */
  sweep(now = Date.now()): void {
    for (const [key, s] of this.sessions) {
      if (s.txn?.state === 'active' && now - s.txn.startedAt > TRANSACTION_LIFETIME_MS) this.abort(s.txn);
      if (now - s.lastUsed > 30 * 60_000 && s.txn?.state !== 'active') this.sessions.delete(key);
    }
  }

  /** Number of known sessions (serverStatus). */
  get size(): number {
    return this.sessions.size;
  }
}
