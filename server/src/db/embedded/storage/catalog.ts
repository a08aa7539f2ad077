import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { JournalOp, Persistence } from '../persistence/persistence.js';
import { Collection, ridOf } from './collection.js';
import type { IndexSpec } from './index-store.js';
import { VersionClock } from './version-clock.js';
import { recordIdOf } from './key-encoding.js';

/**
 * Every database and collection the server holds, and the one place changes become durable:
 * commands mutate collections synchronously, collect the matching journal ops, and `commit` them
 * (in the same tick, so the journal's order is memory's order) before acknowledging.
 */
export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private checkpointing: Promise<void> | null = null;
  /** Logical time shared by every collection (snapshot isolation for transactions). */
  readonly clock = new VersionClock();

  constructor(private persistence: Persistence | null = null) {}

  /** Attaches the journal once replay has finished. */
  attach(persistence: Persistence): void {
    this.persistence = persistence;
  }

  /** Database names that hold at least one collection. */
  databaseNames(): string[] {
    return [...this.dbs.entries()].filter(([, colls]) => colls.size > 0).map(([name]) => name);
  }

  /** The collections of a database (empty when it does not exist). */
  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  /** A collection, or undefined when it does not exist. */
  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** A collection, created implicitly (as MongoDB does on first write) when missing. */
  getOrCreate(db: string, name: string, ops: JournalOp[]): Collection {
    return this.get(db, name) ?? this.create(db, name, {}, ops);
  }

  /** Creates a collection; NamespaceExists when it is already there. */
  create(db: string, name: string, options: Document, ops: JournalOp[]): Collection {
    validateCollectionName(db, name);
    if (this.get(db, name)) throw new MongoCommandError(ErrorCodes.NamespaceExists, `Collection ${db}.${name} already exists.`);
    const coll = new Collection(db, name, options, this.clock);
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    colls.set(name, coll);
    ops.push({ op: 'createColl', db, coll: name, options });
    return coll;
  }

  /** Drops a collection; false when it did not exist. */
  drop(db: string, name: string, ops: JournalOp[]): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.delete(name)) return false;
    ops.push({ op: 'dropColl', db, coll: name });
    return true;
  }

  /** Renames a collection, possibly across databases. */
  rename(db: string, from: string, toDb: string, to: string, dropTarget: boolean, ops: JournalOp[]): void {
    const source = this.get(db, from);
    if (!source) throw new MongoCommandError(ErrorCodes.NamespaceNotFound, 'Source collection does not exist');
    validateCollectionName(toDb, to);
    if (this.get(toDb, to)) {
      if (!dropTarget) throw new MongoCommandError(ErrorCodes.NamespaceExists, 'target namespace exists');
      this.drop(toDb, to, ops);
    }
    this.dbs.get(db)!.delete(from);
    if (toDb === db) {
      source.name = to;
      this.dbs.get(db)!.set(to, source);
      ops.push({ op: 'renameColl', db, from, to, dropTarget });
      return;
    }
    // Across databases: a new collection with the same indexes and documents.
    ops.push({ op: 'dropColl', db, coll: from });
    const target = this.create(toDb, to, source.options, ops);
    for (const spec of source.indexes.map((i) => i.spec)) {
      target.addIndex(spec);
      ops.push({ op: 'createIndex', db: toDb, coll: to, spec });
    }
    for (const [rid, doc] of source.docs) {
      target.put(rid, doc);
      ops.push({ op: 'put', db: toDb, coll: to, doc });
    }
  }

  /** Drops a whole database. */
  dropDatabase(db: string, ops: JournalOp[]): void {
    if (this.dbs.delete(db)) ops.push({ op: 'dropDb', db });
  }

  /**
   * Makes `ops` durable: resolves once written to the journal (and fsynced when `j`). Called in
   * the same tick as the mutation so the journal order is the memory order.
   */
  commit(ops: JournalOp[], j: boolean): Promise<void> {
    if (!this.persistence || ops.length === 0) return Promise.resolve();
    const written = this.persistence.append(ops, { j });
    if (this.persistence.needsCheckpoint && !this.checkpointing) {
      const persistence = this.persistence;
      // The dump is taken now (documents are immutable); later writes go to the new journal.
      this.checkpointing = persistence
        .checkpoint(this.dump())
        .catch(() => undefined)
        .finally(() => {
          this.checkpointing = null;
        });
    }
    return written;
  }

  /** Waits for a running checkpoint, then closes the journal. */
  async close(): Promise<void> {
    await this.checkpointing;
    await this.persistence?.close();
    this.persistence = null;
  }

  /** Replays one journal op (recovery): no checks, no journaling. */
  apply(op: JournalOp): void {
    const none: JournalOp[] = [];
    switch (op.op) {
      case 'put':
        this.getOrCreate(op.db, op.coll, none).put(ridOf(op.doc), op.doc);
        return;
      case 'del':
        this.get(op.db, op.coll)?.remove(recordIdOf(op.id));
        return;
      case 'createColl':
        if (!this.get(op.db, op.coll)) this.create(op.db, op.coll, op.options ?? {}, none);
        return;
      case 'dropColl':
        this.drop(op.db, op.coll, none);
        return;
      case 'createIndex': {
        const coll = this.getOrCreate(op.db, op.coll, none);
        const spec = op.spec as IndexSpec;
        if (!coll.index(spec.name)) coll.addIndex(spec);
        return;
      }
      case 'dropIndex':
        this.get(op.db, op.coll)?.dropIndex(op.name);
        return;
      case 'renameColl':
        if (this.get(op.db, op.from)) this.rename(op.db, op.from, op.db, op.to, true, none);
        return;
      case 'dropDb':
        this.dropDatabase(op.db, none);
        return;
      case 'collMod':
        this.get(op.db, op.coll)?.setOptions(op.options);
        return;
    }
  }

  /** The whole state as ops (for a snapshot). Captured eagerly: later changes do not leak in. */
  dump(): JournalOp[] {
    const ops: JournalOp[] = [];
    for (const [db, colls] of this.dbs) {
      for (const coll of colls.values()) {
        ops.push({ op: 'createColl', db, coll: coll.name, options: coll.options });
        for (const index of coll.indexes) ops.push({ op: 'createIndex', db, coll: coll.name, spec: index.spec });
        for (const doc of coll.docs.values()) ops.push({ op: 'put', db, coll: coll.name, doc });
      }
    }
    return ops;
  }
}

/** Rejects names MongoDB rejects, with its code (73 InvalidNamespace). */
export function validateCollectionName(db: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${String(name)}`);
  }
  if (name.includes('$') || name.includes('\0') || name.startsWith('.') || name.startsWith('system.')) {
    throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${db}.${name}`);
  }
  if (!db || /[/\\. "$\0]/.test(db)) throw new MongoCommandError(ErrorCodes.InvalidNamespace, `Invalid database name: ${db}`);
}
