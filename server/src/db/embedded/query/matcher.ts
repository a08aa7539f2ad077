import type { Document } from 'bson';
import { Context, Query } from 'mingo';
import { $bsonType, $eqOrdered, matchView, normalizeFilter } from './numeric-view.js';
import { compileFastMatcher } from './fast-matcher.js';
import { ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import { translateMingoError } from '../aggregate/pipeline-rules.js';

const QUERY_CONTEXT = Context.init().addQueryOps({ $bsonType: $bsonType as never, $eqOrdered: $eqOrdered as never });

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

/**
 * Compiles a query filter. Common simple filters take a fast path (see fast-matcher.ts);
 * everything else, and any document the fast path cannot judge, goes through mingo.
 */
export function compileFilter(filter: Document | undefined | null, variables?: Document): Matcher {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw new MongoCommandError(ErrorCodes.TypeMismatch, "BSON field 'filter' is the wrong type, expected type 'object'");
  }
  assertSupportedFilter(filter);
  const compile = (): Query => {
    try {
      return new Query(normalizeFilter(filter) as Document, { context: QUERY_CONTEXT, ...(variables ? { variables } : {}) });
    } catch (err) {
      throw translateMingoError(err);
    }
  };
  const fast = compileFastMatcher(filter);
  if (fast) {
    // The fast path's filters cannot fail to compile, so mingo is only built if a document needs it.
    let query: Query | null = null;
    return (doc) => fast(doc) ?? (query ??= compile()).test(matchView(doc));
  }
  const query = compile();
  return (doc) => query.test(matchView(doc));
}
