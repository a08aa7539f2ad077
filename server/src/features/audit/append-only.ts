import type { Schema } from 'mongoose';

/** Query operations that change or remove stored documents. */
const mutatingQueries = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'replaceOne',
  'deleteOne',
  'deleteMany',
] as const;

/** Thrown when code tries to change or remove an entry of an append-only collection. */
export class AppendOnlyViolation extends Error {
  override readonly name = 'AppendOnlyViolation';
  constructor(collection: string, operation: string) {
    super(`${collection} is append-only: ${operation} is not allowed`);
  }
}

/**
 * Makes a schema's collection append-only at the model level: inserts pass, every mongoose
 * update, replace and delete path throws {@link AppendOnlyViolation} before reaching the
 * database, and a loaded document cannot be saved back. A log that records who saw a patient's
 * data is only worth something if nobody can quietly edit it afterwards; the model offering no
 * such path (and failing loudly if one is tried) keeps mistakes out of the code.
 */
export function appendOnly<T>(schema: Schema<T>, collection: string): void {
  for (const operation of mutatingQueries) {
    schema.pre(operation, function refuse() {
      throw new AppendOnlyViolation(collection, operation);
    });
  }
  // Document-level deleteOne (`doc.deleteOne()`), and saves of a loaded document.
  schema.pre('deleteOne', { document: true, query: false }, function refuse() {
    throw new AppendOnlyViolation(collection, 'deleteOne');
  });
  schema.pre('save', function refuseResave() {
    if (!this.isNew) throw new AppendOnlyViolation(collection, 'save');
  });
  schema.pre('bulkWrite', function refuseBulk(next, operations: Array<Record<string, unknown>>) {
    if (operations.some((op) => !('insertOne' in op))) throw new AppendOnlyViolation(collection, 'bulkWrite');
    next();
  });
}
