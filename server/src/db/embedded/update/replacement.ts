import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { cloneDocument } from './clone-document.js';
import { assertStorableId, idAlteredError, idFirst, keepsId } from './id-field.js';

/**
 * True when `update` is a replacement document. MongoDB decides on the first field alone: if it
 * starts with `$` the update is operator-style (and every field must then be an operator).
 */
export function isReplacementUpdate(update: Document | Document[]): boolean {
  if (Array.isArray(update)) return false;
  const first = Object.keys(update)[0];
  return first === undefined || !first.startsWith('$');
}

/** Checks a replacement document before any document is touched. */
export function validateReplacement(replacement: Document): void {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith('$')) {
      throw new MongoCommandError(
        ErrorCodes.DollarPrefixedFieldName,
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  assertStorableId(replacement);
}

/**
 * Replaces every field of `doc` by the replacement's, keeping the original `_id` (which the
 * replacement may repeat but not change).
 */
export function replaceDocument(doc: Document, replacement: Document): Document {
  validateReplacement(replacement);
  const next: Document = Object.hasOwn(doc, '_id') && !Object.hasOwn(replacement, '_id') ? { _id: doc._id } : {};
  for (const [k, v] of Object.entries(replacement)) if (v !== undefined) next[k] = cloneDocument(v);
  if (!keepsId(doc, next)) throw idAlteredError(next);
  return idFirst(next);
}
