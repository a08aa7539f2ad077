import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { bsonKind } from './bson-kind.js';
import { compareBson } from './bson-compare.js';
import { formatElement } from './format-value.js';

/** Rejects `_id` values MongoDB cannot store (arrays, regexes, undefined). */
export function assertStorableId(doc: Document): void {
  if (!Object.hasOwn(doc, '_id')) return;
  const kind = bsonKind(doc._id);
  if (kind === 'array' || kind === 'regex' || kind === 'undefined') {
    throw new MongoCommandError(ErrorCodes.InvalidIdField, `The '_id' value cannot be of type ${kind}`);
  }
}

/** True when `after` still has the `_id` of `before` (MongoDB equality, so 1 and 1.0 agree). */
export function keepsId(before: Document, after: Document): boolean {
  if (!Object.hasOwn(before, '_id')) return true;
  return Object.hasOwn(after, '_id') && compareBson(before._id, after._id) === 0;
}

/** Puts `_id` first, where MongoDB always stores it. */
export function idFirst(doc: Document): Document {
  if (!Object.hasOwn(doc, '_id') || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** The error for a whole-document update (replacement or pipeline) that changed `_id`. */
export function idAlteredError(after: Document): MongoCommandError {
  if (!Object.hasOwn(after, '_id')) {
    return new MongoCommandError(
      ErrorCodes.ImmutableField,
      "After applying the update, the '_id' (required and immutable) field was found to have been removed",
    );
  }
  return new MongoCommandError(
    ErrorCodes.ImmutableField,
    `After applying the update, the (immutable) field '_id' was found to have been altered to ${formatElement('_id', after._id)}`,
  );
}
