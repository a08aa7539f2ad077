import { calculateObjectSize, Long, type Document } from 'bson';
import { ErrorCodes, MongoCommandError } from './errors.js';

const DEFAULT_FIRST_BATCH = 101;
/** Replies stay under 16 MiB with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** Idle cursors are reaped after MongoDB's default of 10 minutes. */
const CURSOR_IDLE_MS = 10 * 60 * 1000;

interface CursorState {
  ns: string;
  docs: Document[];
  pos: number;
  lastUsed: number;
  sessionKey: string | null;
}

/**
 * Open cursors. Results are materialised when the cursor is created (documents are immutable,
 * so holding references is cheap and gives a stable view) and served in batches by getMore.
 */
export class CursorRegistry {
  private readonly cursors = new Map<bigint, CursorState>();
  private nextId = BigInt(Date.now()) * 1000n;

  /** Number of open cursors (serverStatus). */
  get size(): number {
    return this.cursors.size;
  }

  /** Builds a `cursor` reply with the first batch, registering the rest under a fresh int64 id. */
  open(ns: string, docs: Document[], options: { batchSize?: number; singleBatch?: boolean; sessionKey?: string | null }): Document {
    const size = options.batchSize ?? DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size === 0 ? 0 : size);
    let id = 0n;
    if (batch.length < docs.length && !options.singleBatch) {
      id = ++this.nextId;
      this.cursors.set(id, { ns, docs, pos: batch.length, lastUsed: Date.now(), sessionKey: options.sessionKey ?? null });
    }
    return { cursor: { firstBatch: batch, id: Long.fromBigInt(id), ns }, ok: 1 };
  }

  /** The next batch of a cursor; CursorNotFound (43) like MongoDB for an unknown or exhausted id. */
  getMore(idValue: unknown, ns: string, batchSize: number | undefined): Document {
    const id = toBigInt(idValue);
    const state = this.cursors.get(id);
    if (!state) throw new MongoCommandError(ErrorCodes.CursorNotFound, `cursor id ${id} not found`);
    if (state.ns !== ns) {
      throw new MongoCommandError(ErrorCodes.Unauthorized, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${state.ns}`);
    }
    const batch = takeBatch(state.docs, state.pos, batchSize && batchSize > 0 ? batchSize : Infinity);
    state.pos += batch.length;
    state.lastUsed = Date.now();
    let outId = id;
    if (state.pos >= state.docs.length) {
      this.cursors.delete(id);
      outId = 0n;
    }
    return { cursor: { nextBatch: batch, id: Long.fromBigInt(outId), ns }, ok: 1 };
  }

  /** killCursors: reports which ids were killed and which were unknown. */
  kill(ids: unknown[]): Document {
    const cursorsKilled: Long[] = [];
    const cursorsNotFound: Long[] = [];
    for (const raw of ids) {
      const id = toBigInt(raw);
      (this.cursors.delete(id) ? cursorsKilled : cursorsNotFound).push(Long.fromBigInt(id));
    }
    return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  /** Closes the cursors of ended sessions. */
  killSession(sessionKey: string): void {
    for (const [id, c] of this.cursors) if (c.sessionKey === sessionKey) this.cursors.delete(id);
  }

  /** Drops cursors idle for longer than MongoDB's timeout. */
  reap(now = Date.now()): void {
    for (const [id, c] of this.cursors) if (now - c.lastUsed > CURSOR_IDLE_MS) this.cursors.delete(id);
  }
}

function takeBatch(docs: Document[], from: number, count: number): Document[] {
  const end = Math.min(docs.length, from + count);
  if (end - from <= DEFAULT_FIRST_BATCH) {
    return docs.slice(from, end);
  }
  const out: Document[] = [];
  let bytes = 0;
  for (let i = from; i < end; i++) {
    const doc = docs[i]!;
    bytes += calculateObjectSize(doc);
    if (bytes > MAX_BATCH_BYTES && out.length > 0) break;
    out.push(doc);
  }
  return out;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (v instanceof Long) return v.toBigInt();
  throw new MongoCommandError(ErrorCodes.TypeMismatch, "Field 'getMore' must be of type long in: cursor id");
}
