import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import type { JournalOp } from './journal-op.js';
import { Persistence, type PersistenceOptions } from './persistence.js';

/** Test support: a fresh temp data directory and a way to remove it. */
export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'careloop-persistence-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Test support: opens `dir` and returns every op replayed, in order. */
export async function openCollecting(
  options: PersistenceOptions,
): Promise<{ persistence: Persistence; replayed: JournalOp[] }> {
  const replayed: JournalOp[] = [];
  const persistence = await Persistence.open(options, (op) => replayed.push(op));
  return { persistence, replayed };
}

/**
 * Test support: a minimal model of the engine's state (documents by namespace and `_id`),
 * so tests can compare what replay rebuilds with what was written.
 */
export class DocModel {
  readonly docs = new Map<string, JournalOp & { op: 'put' }>();

  apply = (op: JournalOp): void => {
    if (op.op === 'put') this.docs.set(DocModel.key(op.db, op.coll, op.doc._id), op);
    else if (op.op === 'del') this.docs.delete(DocModel.key(op.db, op.coll, op.id));
  };

  /** The state as a checkpoint dump. */
  dump(): JournalOp[] {
    return [...this.docs.values()];
  }

  /** Canonical, type-preserving text of the state, for exact comparison. */
  canonical(): string[] {
    return [...this.docs.entries()]
      .map(([key, op]) => `${key} ${EJSON.stringify(op.doc, { relaxed: false })}`)
      .sort();
  }

  private static key(db: string, coll: string, id: unknown): string {
    return `${db}.${coll}/${EJSON.stringify({ id }, { relaxed: false })}`;
  }
}
