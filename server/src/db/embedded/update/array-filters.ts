import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { bsonTypeName, isDocument } from './bson-kind.js';
import { compileQuery } from './element-matcher.js';

/** Tests whether an array element is selected by the `$[identifier]` filter. */
export type ElementFilter = (element: unknown) => boolean;

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;
const LOGICAL = new Set(['$and', '$or', '$nor']);

/** The identifiers a filter's paths start with (`{'e.grade': ...}` → e), looking inside $and/$or/$nor. */
function collectIdentifiers(filter: Document, out: string[]): void {
  for (const [key, value] of Object.entries(filter)) {
    if (LOGICAL.has(key) && Array.isArray(value)) {
      for (const clause of value) if (isDocument(clause)) collectIdentifiers(clause, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const id = key.split('.')[0] ?? key;
    if (!out.includes(id)) out.push(id);
  }
}

/**
 * Parses the `arrayFilters` option into one element test per identifier, with MongoDB's checks:
 * each filter names exactly one identifier, identifiers are lowercase-led alphanumerics, and no
 * identifier has two filters.
 */
export function parseArrayFilters(arrayFilters: readonly unknown[] | undefined): Map<string, ElementFilter> {
  const out = new Map<string, ElementFilter>();
  (arrayFilters ?? []).forEach((filter, index) => {
    if (!isDocument(filter)) {
      throw new MongoCommandError(
        ErrorCodes.TypeMismatch,
        `BSON field 'update.updates.arrayFilters.${index}' is the wrong type '${bsonTypeName(filter)}', expected type 'object'`,
      );
    }
    const ids: string[] = [];
    collectIdentifiers(filter, ids);
    const [id, other] = ids;
    if (id === undefined) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        'Cannot use an expression without a top-level field name in arrayFilters',
      );
    }
    if (other !== undefined) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${other}'`,
      );
    }
    if (!IDENTIFIER.test(id)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`,
      );
    }
    if (out.has(id)) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Found multiple array filters with the same top-level field name ${id}`,
      );
    }
    const matches = compileQuery(filter, 'Error parsing array filter :: caused by :: ');
    // The element is tested as the value of the identifier, so `{e: {$gte: 5}}` and
    // `{'e.grade': 5}` both read naturally.
    out.set(id, (element) => matches({ [id]: element }));
  });
  return out;
}
