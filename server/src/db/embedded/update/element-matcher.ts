import type { Decimal128, Document, Long } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { bsonKind, isDocument } from './bson-kind.js';

/** Tests one value (a document or a wrapper around an array element) against a query. */
export type ValueMatcher = (value: Document) => boolean;

/**
 * mingo compares JS numbers but not `Long` or `Decimal128` (it orders them as unknown objects),
 * so `{qty: {$gte: NumberLong(5)}}` would never match. Matching sees both sides with those
 * values as plain numbers; only the test result is used, never the converted values.
 */
function numbersForMatching(v: unknown): unknown {
  switch (bsonKind(v)) {
    case 'long':
      return (v as Long).toNumber();
    case 'decimal':
      return Number((v as Decimal128).toString());
    case 'array':
      return (v as unknown[]).map(numbersForMatching);
    case 'object': {
      if (!isDocument(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = numbersForMatching(x);
      return out;
    }
    default:
      return v;
  }
}

/**
 * Compiles a query for matching array elements ($pull conditions, arrayFilters, the positional
 * operator). Kept in one place so the engine can switch to the server's own matcher later; for
 * now it is mingo, whose parse errors become MongoDB's BadValue.
 */
export function compileQuery(query: Document, context: string): ValueMatcher {
  let compiled: Query;
  try {
    compiled = new Query(numbersForMatching(query) as Document);
  } catch (err) {
    throw new MongoCommandError(ErrorCodes.BadValue, `${context}${(err as Error).message}`);
  }
  return (value) => {
    try {
      return compiled.test(numbersForMatching(value) as Document);
    } catch (err) {
      throw new MongoCommandError(ErrorCodes.BadValue, `${context}${(err as Error).message}`);
    }
  };
}
