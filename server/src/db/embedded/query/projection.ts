import type { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, MongoCommandError } from '../errors.js';

/**
 * Applies a find projection (inclusion/exclusion, dotted paths, $slice, $elemMatch, positional)
 * with mingo. Returns the documents unchanged when there is no projection.
 */
export function projectDocuments(docs: Document[], projection: Document | undefined, filter: Document = {}): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  try {
    return new Query(filter).find(docs, projection).all() as Document[];
  } catch (err) {
    throw new MongoCommandError(ErrorCodes.BadValue, `invalid projection: ${(err as Error).message}`);
  }
}
