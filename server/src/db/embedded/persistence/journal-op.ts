import type { Document } from 'bson';

/**
 * One logical change to the embedded database, as the storage engine hands it to persistence.
 * `put` carries the full post-image of a document (upsert by `_id`), so replaying a journal
 * over a snapshot that already contains some of its effects ends in the same state.
 */
export type JournalOp =
  | { op: 'put'; db: string; coll: string; doc: Document }
  | { op: 'del'; db: string; coll: string; id: unknown }
  | { op: 'createColl'; db: string; coll: string; options?: Document }
  | { op: 'dropColl'; db: string; coll: string }
  | { op: 'createIndex'; db: string; coll: string; spec: Document }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'renameColl'; db: string; from: string; to: string; dropTarget: boolean }
  | { op: 'dropDb'; db: string }
  | { op: 'collMod'; db: string; coll: string; options: Document };

const OP_NAMES: ReadonlySet<string> = new Set<JournalOp['op']>([
  'put',
  'del',
  'createColl',
  'dropColl',
  'createIndex',
  'dropIndex',
  'renameColl',
  'dropDb',
  'collMod',
]);

/**
 * Narrows a document read back from disk to a `JournalOp`. Its record passed its CRC, so an
 * unknown `op` means a file from a newer format, and guessing would corrupt the state.
 */
export function asJournalOp(doc: Document): JournalOp | undefined {
  return typeof doc.op === 'string' && OP_NAMES.has(doc.op) ? (doc as JournalOp) : undefined;
}
