import type { Document } from 'bson';
import { Query } from 'mingo';
import { MongoCommandError } from '../errors.js';
import { translateMingoError } from '../aggregate/pipeline-rules.js';

/**
 * Applies a find projection (inclusion/exclusion, dotted paths, $slice, $elemMatch, positional)
 * with mingo. Returns the documents unchanged when there is no projection.
 */
export function projectDocuments(docs: Document[], projection: Document | undefined, filter: Document = {}): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  checkProjection(projection);
  try {
    return new Query(filter).find(docs, projection).all() as Document[];
  } catch (err) {
    throw translateMingoError(err);
  }
}

/** MongoDB refuses to mix inclusion and exclusion (other than of `_id`) in one projection. */
function checkProjection(projection: Document): void {
  let mode: 'inclusion' | 'exclusion' | null = null;
  for (const [field, value] of Object.entries(projection)) {
    if (field === '_id') continue;
    if (value && typeof value === 'object' && ('$slice' in value || '$elemMatch' in value || '$meta' in value)) continue;
    const kind = value === 0 || value === false ? 'exclusion' : 'inclusion';
    if (mode === null) mode = kind;
    else if (mode !== kind) {
      const code = kind === 'exclusion' ? 31254 : 31253;
      throw new MongoCommandError(code, `Cannot do ${kind} on field ${field} in ${mode} projection`, { codeName: `Location${code}` });
    }
  }
}
