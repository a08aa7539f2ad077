import type { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, MongoCommandError } from '../errors.js';
// mingo compares JS numbers only: both sides are matched with numeric BSON values as numbers.
import { toView } from '../query/numeric-view.js';

/** Tests one value (a document or a wrapper around an array element) against a query. */
export type ValueMatcher = (value: Document) => boolean;

/**
 * Compiles a query for matching array elements ($pull conditions, arrayFilters, the positional
 * operator). Kept in one place so the engine can switch to the server's own matcher later; for
 * now it is mingo, whose parse errors become MongoDB's BadValue.
 */
export function compileQuery(query: Document, context: string): ValueMatcher {
  let compiled: Query;
  try {
    compiled = new Query(toView(query) as Document);
  } catch (err) {
    throw new MongoCommandError(ErrorCodes.BadValue, `${context}${(err as Error).message}`);
  }
  return (value) => {
    try {
      return compiled.test(toView(value) as Document);
    } catch (err) {
      throw new MongoCommandError(ErrorCodes.BadValue, `${context}${(err as Error).message}`);
    }
  };
}
