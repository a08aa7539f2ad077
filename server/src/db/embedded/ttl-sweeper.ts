import type { Document } from 'bson';
import type { JournalOp } from './persistence/persistence.js';
import type { Catalog } from './storage/catalog.js';
import type { LockTable } from './txn/lock-table.js';
import { encodeValue, typeBracketBounds } from './storage/key-encoding.js';
import { readPath } from './update/document-path.js';
import { ABSENT } from './update/operators/field-operator.js';

function expiryOf(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) {
    let min: number | null = null;
    for (const v of value) if (v instanceof Date && (min === null || v.getTime() < min)) min = v.getTime();
    return min;
  }
  return null;
}

function fieldValue(doc: Document, path: string): unknown {
  const v = readPath(doc, path.split('.'));
  return v === ABSENT ? undefined : v;
}

/**
 * Deletes documents whose TTL index field (a date, or the earliest date of an array) is older
 * than `expireAfterSeconds`, like MongoDB's TTL monitor (which runs every 60 s; ours every
 * `intervalMs`). Documents held by an open transaction are left for the next pass.
 */
export function sweepExpired(catalog: Catalog, locks: LockTable, now = Date.now()): JournalOp[] {
  const ops: JournalOp[] = [];
  for (const db of catalog.databaseNames()) {
    for (const coll of catalog.collections(db)) {
      for (const index of coll.indexes) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
        const cutoff = now - seconds * 1000;
        // Only index keys that are dates up to the cutoff can expire: a range scan, not a
        // collection scan (an array of dates has a key per element, so its earliest is seen).
        const rids = [
          ...index.scan({
            lower: { key: typeBracketBounds(new Date(0)).min, inclusive: false },
            upper: { key: encodeValue(new Date(cutoff)), inclusive: true },
          }),
        ];
        for (const rid of rids) {
          const doc = coll.docs.get(rid);
          if (!doc) continue;
          const expiry = expiryOf(fieldValue(doc, index.fields[0]!));
          if (expiry === null || expiry > cutoff) continue;
          if (locks.owner(coll, rid)?.state === 'active') continue;
          coll.remove(rid);
          ops.push({ op: 'del', db, coll: coll.name, id: doc._id });
        }
      }
    }
  }
  return ops;
}
