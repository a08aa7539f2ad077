import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { applyOperatorUpdate } from './apply-operators.js';
import { isDocument } from './bson-kind.js';
import { isIdentical } from './identical.js';
import { parseOperatorUpdate, type ParsedUpdate } from './parse-update.js';
import { applyPipelineUpdate } from './pipeline-update.js';
import { isReplacementUpdate, replaceDocument } from './replacement.js';

export { isReplacementUpdate } from './replacement.js';
export { upsertSeedFromFilter } from './upsert-seed.js';
export { validateUpdate, type ValidateUpdateOptions } from './validate-update.js';

/** Per-document inputs to an update besides the update itself. */
export interface ApplyUpdateOptions {
  /** the query filter that selected the doc (needed for the positional `$` operator) */
  filter?: Document;
  arrayFilters?: Document[];
  /** true when this update is creating an upserted document ($setOnInsert applies only then) */
  isInsert?: boolean;
  /** clock for $currentDate */
  now?: Date;
  /** the command's `let` variables, visible to pipeline-style updates as $$name */
  variables?: Document;
}

/** The updated document, and whether it differs from the original (MongoDB's nModified). */
export interface ApplyUpdateResult {
  doc: Document;
  modified: boolean;
}

/** An update parsed once, to apply to each document an update command selects. */
export type CompiledUpdate = (doc: Document, options?: ApplyUpdateOptions) => ApplyUpdateResult;

/**
 * Parses an update once (throwing MongoDB's parse errors) and returns a function that applies
 * it to one document. Stored documents are never mutated: the result is a new document, or the
 * very same object with `modified: false` when nothing changed.
 */
export function compileUpdate(update: Document | Document[]): CompiledUpdate {
  if (!Array.isArray(update) && !isDocument(update)) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Update argument must be either an object or an array');
  }
  if (Array.isArray(update)) {
    return (doc, options = {}) => finish(doc, applyPipelineUpdate(doc, update, options.now ?? new Date(), options.variables));
  }
  if (isReplacementUpdate(update)) {
    return (doc) => finish(doc, replaceDocument(doc, update));
  }
  const parsed: ParsedUpdate = parseOperatorUpdate(update);
  return (doc, options = {}) =>
    finish(
      doc,
      applyOperatorUpdate(doc, update, parsed, {
        filter: options.filter,
        arrayFilters: options.arrayFilters,
        isInsert: options.isInsert ?? false,
        now: options.now ?? new Date(),
      }),
    );
}

function finish(original: Document, next: Document): ApplyUpdateResult {
  // Equal values are not a modification even if the engine rebuilt the objects.
  return isIdentical(original, next) ? { doc: original, modified: false } : { doc: next, modified: true };
}

/**
 * Applies an update — an operator document ({$set: ...}), a replacement document, or an
 * aggregation pipeline (array) — to one document with MongoDB's semantics and errors.
 */
export function applyUpdate(
  doc: Document,
  update: Document | Document[],
  options: ApplyUpdateOptions = {},
): ApplyUpdateResult {
  return compileUpdate(update)(doc, options);
}
