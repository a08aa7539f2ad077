import { ObjectId, type Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { applyUpdate, isReplacementUpdate, upsertSeedFromFilter } from '../update/apply-update.js';

/**
 * The document an upsert inserts: a replacement (with the filter's `_id` if it pins one) or the
 * filter's equality fields with the update applied (`$setOnInsert` included), `_id` first.
 */
export function buildUpsertDocument(
  filter: Document,
  update: Document | Document[],
  options: { arrayFilters?: Document[] },
): Document {
  let doc: Document;
  if (isReplacementUpdate(update)) {
    const seed = upsertSeedFromFilter(filter);
    const replacement = update as Document;
    if (seed._id !== undefined && replacement._id !== undefined && !sameId(seed._id, replacement._id)) {
      throw new MongoCommandError(
        ErrorCodes.ImmutableField,
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    doc = { ...replacement };
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else {
    doc = applyUpdate(upsertSeedFromFilter(filter), update, { filter, arrayFilters: options.arrayFilters, isInsert: true }).doc;
  }
  return withIdFirst(doc);
}

/** Puts `_id` first (generating an ObjectId when absent), as MongoDB stores documents. */
export function withIdFirst(doc: Document): Document {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function sameId(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
