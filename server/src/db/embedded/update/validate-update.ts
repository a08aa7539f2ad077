import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { parseArrayFilters } from './array-filters.js';
import { checkArrayFilterUsage } from './apply-operators.js';
import { isDocument } from './bson-kind.js';
import { parseOperatorUpdate } from './parse-update.js';
import { validatePipelineUpdate } from './pipeline-update.js';
import { isReplacementUpdate, validateReplacement } from './replacement.js';

/** Options that change what a valid update is. */
export interface ValidateUpdateOptions {
  multi?: boolean;
  upsert?: boolean;
  /** when given, `$[identifier]`s and filters are checked against each other too */
  arrayFilters?: Document[];
}

/**
 * Validates an update without applying it, so a bad update fails before any document is read
 * or written (and an updateMany fails whole, not halfway).
 */
export function validateUpdate(update: Document | Document[], options: ValidateUpdateOptions = {}): void {
  if (Array.isArray(update)) {
    validatePipelineUpdate(update);
    if (options.arrayFilters && options.arrayFilters.length > 0) {
      throw new MongoCommandError(ErrorCodes.FailedToParse, 'arrayFilters may not be specified for pipeline-style updates');
    }
    return;
  }
  if (!isDocument(update)) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Update argument must be either an object or an array');
  }
  if (isReplacementUpdate(update)) {
    if (options.multi) {
      throw new MongoCommandError(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
    }
    validateReplacement(update);
    return;
  }
  const parsed = parseOperatorUpdate(update);
  if (options.arrayFilters) checkArrayFilterUsage(update, parsed, parseArrayFilters(options.arrayFilters));
}
