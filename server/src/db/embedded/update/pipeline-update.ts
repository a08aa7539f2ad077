import type { Document } from 'bson';
import { Aggregator } from 'mingo';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { bsonTypeName, isDocument } from './bson-kind.js';
import { cloneDocument } from './clone-document.js';
import { assertStorableId, idAlteredError, idFirst, keepsId } from './id-field.js';

const ALLOWED_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/** Checks a pipeline-style update: each stage one of the six stages MongoDB allows in updates. */
export function validatePipelineUpdate(pipeline: readonly unknown[]): void {
  for (const stage of pipeline) {
    if (!isDocument(stage)) {
      throw new MongoCommandError(
        ErrorCodes.TypeMismatch,
        `Each element of the 'pipeline' array must be an object, found ${bsonTypeName(stage)}`,
      );
    }
    const names = Object.keys(stage);
    if (names.length !== 1) {
      throw new MongoCommandError(
        40323, // MongoDB has no name for this code; codeNameOf() reports Location40323
        'A pipeline stage specification object must contain exactly one field.',
      );
    }
    const name = names[0] as string;
    if (!ALLOWED_STAGES.has(name)) {
      throw new MongoCommandError(ErrorCodes.InvalidOptions, `${name} is not allowed to be used within an update`);
    }
  }
}

/**
 * Replaces `$$NOW` by the update's clock, so a pipeline update and $currentDate in the same
 * server agree on the time (and tests can fix it); mingo would read the system clock.
 */
function withClock(value: unknown, now: Date): unknown {
  if (value === '$$NOW') return { $literal: new Date(now.getTime()) };
  if (Array.isArray(value)) return value.map((v) => withClock(v, now));
  if (isDocument(value)) {
    if (Object.hasOwn(value, '$literal')) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withClock(v, now);
    return out;
  }
  return value;
}

/**
 * Runs a pipeline-style update on one document with mingo. As in MongoDB the result replaces the
 * document, and an `_id` the pipeline dropped is put back; changing it is an error.
 */
export function applyPipelineUpdate(doc: Document, pipeline: Document[], now: Date = new Date(), variables?: Document): Document {
  validatePipelineUpdate(pipeline);
  let results: Document[];
  try {
    results = new Aggregator(withClock(pipeline, now) as Document[], variables ? { variables } : {}).run([cloneDocument(doc)]) as Document[];
  } catch (err) {
    if (err instanceof MongoCommandError) throw err;
    throw new MongoCommandError(ErrorCodes.BadValue, (err as Error).message);
  }
  const out = results[0] ?? {};
  const next: Document = Object.hasOwn(doc, '_id') && !Object.hasOwn(out, '_id') ? { _id: doc._id, ...out } : out;
  if (!keepsId(doc, next)) throw idAlteredError(next);
  assertStorableId(next);
  return idFirst(next);
}
