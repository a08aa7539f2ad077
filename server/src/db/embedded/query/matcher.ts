import type { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import { translateMingoError } from '../aggregate/pipeline-rules.js';

/** A compiled filter. */
export type Matcher = (doc: Document) => boolean;

const UNSUPPORTED_QUERY_OPS: Record<string, string> = {
  $text: '$text search',
  $near: 'geospatial queries ($near)',
  $nearSphere: 'geospatial queries ($nearSphere)',
  $geoWithin: 'geospatial queries ($geoWithin)',
  $geoIntersects: 'geospatial queries ($geoIntersects)',
  $where: '$where',
  $jsonSchema: '$jsonSchema',
};

/** Throws "not supported by the embedded server" for query features we do not implement, instead of a wrong result. */
export function assertSupportedFilter(filter: unknown): void {
  if (Array.isArray(filter)) {
    for (const f of filter) assertSupportedFilter(f);
    return;
  }
  if (!filter || typeof filter !== 'object' || (filter as { _bsontype?: string })._bsontype) return;
  if (filter instanceof Date || filter instanceof RegExp) return;
  for (const [key, value] of Object.entries(filter)) {
    const feature = UNSUPPORTED_QUERY_OPS[key];
    if (feature) throw notSupported(feature);
    assertSupportedFilter(value);
  }
}

function isPlainScalar(v: unknown): boolean {
  const t = typeof v;
  return t === 'string' || t === 'boolean' || (t === 'number' && !Number.isNaN(v));
}

/**
 * Compiles a query filter. Filters of plain top-level equalities on strings, numbers and booleans
 * (the common `{status: 'booked'}`) take a fast path; everything else goes through mingo.
 */
export function compileFilter(filter: Document | undefined | null): Matcher {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw new MongoCommandError(ErrorCodes.TypeMismatch, "BSON field 'filter' is the wrong type, expected type 'object'");
  }
  assertSupportedFilter(filter);
  const entries = Object.entries(filter);
  if (entries.every(([k, v]) => !k.startsWith('$') && !k.includes('.') && isPlainScalar(v))) {
    return (doc) => {
      for (const [k, v] of entries) {
        const actual = doc[k];
        if (actual === v) continue;
        if (Array.isArray(actual) && actual.includes(v)) continue;
        return false;
      }
      return true;
    };
  }
  let query: Query;
  try {
    query = new Query(filter);
  } catch (err) {
    throw translateMingoError(err);
  }
  return (doc) => query.test(doc);
}
