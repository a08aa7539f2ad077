import { Long, Timestamp, type Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { JournalOp } from '../persistence/persistence.js';
import type { Catalog } from '../storage/catalog.js';
import { LockedError, type WriteScope } from '../storage/doc-access.js';
import type { CursorRegistry } from '../cursors.js';
import type { LockTable } from '../txn/lock-table.js';
import type { SessionManager } from '../txn/session-manager.js';
import type { Transaction } from '../txn/transaction.js';

/** Counters reported by serverStatus. */
export interface OpCounters {
  insert: number;
  query: number;
  update: number;
  delete: number;
  getmore: number;
  command: number;
}

/** Everything a command may touch: one per server. */
export interface ServerState {
  readonly catalog: Catalog;
  readonly cursors: CursorRegistry;
  readonly sessions: SessionManager;
  readonly locks: LockTable;
  readonly host: string;
  readonly port: number;
  readonly startedAt: number;
  readonly opcounters: OpCounters;
  /** The replica set's logical clock, stamped on replies as $clusterTime/operationTime. */
  readonly clusterTime: ClusterClock;
  connections: { current: number; totalCreated: number };
}

/** One command being run. */
export interface CommandContext {
  readonly server: ServerState;
  /** The database from `$db`. */
  readonly db: string;
  /** The command document (OP_MSG document sequences merged in). */
  readonly body: Document;
  /** The command's name, as the first field of the body. */
  readonly name: string;
  readonly txn: Transaction | null;
  readonly connectionId: number;
  readonly sessionKey: string | null;
}

/** A handler resolves to the reply document (ok: 1 …) or throws MongoCommandError. */
export type CommandHandler = (ctx: CommandContext) => Document | Promise<Document>;

/** The collection name a command targets (its first field's value), validated. */
export function collectionArg(ctx: CommandContext): string {
  const value = ctx.body[ctx.name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MongoCommandError(
      ErrorCodes.InvalidNamespace,
      `collection name has invalid type ${value === undefined ? 'missing' : typeof value}`,
    );
  }
  return value;
}

/** A numeric argument (int, double or Long) or the fallback; TypeMismatch for other types. */
export function numberArg(body: Document, field: string, fallback?: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  if (v instanceof Long) return v.toNumber();
  if (typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'Decimal128') return Number(String(v));
  throw new MongoCommandError(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type '${typeof v}', expected types '[long, int, decimal, double]'`);
}

/** A document argument or the fallback. */
export function docArg(body: Document, field: string): Document | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || (v as { _bsontype?: string })._bsontype) {
    throw new MongoCommandError(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`);
  }
  return v as Document;
}

/**
 * Whether the write must wait for fsync: `j: true`, or `w: 'majority'` (on a one-member replica
 * set majority means journaled, as with MongoDB's writeConcernMajorityJournalDefault).
 */
export function wantsJournal(body: Document): boolean {
  const wc = body.writeConcern as Document | undefined;
  return wc?.j === true || wc?.w === 'majority';
}

/**
 * A write scope that journals in memory order: a plain write's ops are handed to the journal
 * before the command waits for anything, so a later write can never land on disk first.
 */
export class CommandWriteScope implements WriteScope {
  ops: JournalOp[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly ctx: CommandContext,
    private readonly j = wantsJournal(ctx.body),
  ) {}

  get txn(): Transaction | null {
    return this.ctx.txn;
  }

  get locks(): LockTable {
    return this.ctx.server.locks;
  }

  /** Hands the ops collected so far to the journal. */
  flush(): void {
    if (this.ops.length === 0) return;
    this.pending.push(this.ctx.server.catalog.commit(this.ops, this.j));
    this.ops = [];
  }

  /**
   * Runs one statement; if it touched a document a transaction holds, journals what is done,
   * waits for the transaction to end and runs the statement again.
   */
  async retryWhileLocked<T>(statement: () => T): Promise<T> {
    for (;;) {
      try {
        return statement();
      } catch (err) {
        if (!(err instanceof LockedError)) throw err;
        this.flush();
        await err.wait;
      }
    }
  }

  /** Journals the rest and waits until everything this command wrote is durable. */
  async done(): Promise<void> {
    this.flush();
    await Promise.all(this.pending);
  }
}

/**
 * The cluster time a one-member replica set reports: seconds since the epoch plus an increment
 * that advances with every write, never going backwards.
 */
export class ClusterClock {
  private seconds = 0;
  private increment = 0;
  private ts: Timestamp = new Timestamp({ t: 0, i: 0 });

  constructor() {
    this.tick();
  }

  /** Advances for a write. */
  tick(): void {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.seconds) {
      this.seconds = now;
      this.increment = 1;
    } else this.increment++;
    this.ts = new Timestamp({ t: this.seconds, i: this.increment });
  }

  /** The latest cluster time. */
  current(): Timestamp {
    return this.ts;
  }
}
