import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import { compileFilter } from '../query/matcher.js';
import { projectDocuments } from '../query/projection.js';
import { sortDocuments } from '../query/sort.js';
import { readMatches, type Hit } from '../storage/doc-access.js';
import { encodeValue } from '../storage/key-encoding.js';
import { collectionArg, CommandWriteScope, docArg, numberArg, type CommandContext } from './context.js';

/** The documents a find-shaped request selects, sorted, skipped and limited (before projection). */
export function selectDocuments(
  ctx: CommandContext,
  name: string,
  options: { filter: Document; sort?: Document; skip?: number; limit?: number; hint?: string | Document; variables?: Document },
): { hits: Hit[]; plan: ReturnType<typeof readMatches>['plan']; examined: number } {
  const { filter, sort, skip = 0, limit = 0 } = options;
  if (skip < 0) throw new MongoCommandError(ErrorCodes.BadValue, "BSON field 'skip' value must be >= 0, actual value '" + skip + "'");
  const coll = ctx.server.catalog.get(ctx.db, name);
  const scope = new CommandWriteScope(ctx);
  const hasSort = sort && Object.keys(sort).length > 0;
  // Without a sort the scan can stop as soon as skip + limit documents matched.
  const stopAfter = !hasSort && limit > 0 ? skip + limit : Infinity;
  const result = readMatches(scope, coll, filter, compileFilter(filter, options.variables), options.hint, stopAfter);
  let hits = result.hits;
  if (hasSort) sortDocuments(hits, sort, (h) => h.doc);
  // {$natural: -1} walks the collection backwards (insertion order reversed).
  if (sort && Number(sort.$natural) === -1) hits.reverse();
  if (skip > 0 || limit > 0) hits = hits.slice(skip, limit > 0 ? skip + limit : undefined);
  return { hits, plan: result.plan, examined: result.examined };
}

/** find: filter, projection, sort, skip, limit, batchSize, singleBatch, hint. */
export function findCommand(ctx: CommandContext): Document {
  const name = collectionArg(ctx);
  const body = ctx.body;
  if (body.tailable === true) throw notSupported('tailable cursors');
  if (body.min !== undefined || body.max !== undefined) throw notSupported('find with min/max');
  const filter = docArg(body, 'filter') ?? {};
  const limitRaw = numberArg(body, 'limit', 0)!;
  const batchSize = numberArg(body, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) {
    throw new MongoCommandError(ErrorCodes.BadValue, `BSON field 'batchSize' value must be >= 0, actual value '${batchSize}'`);
  }
  if (limitRaw < 0) throw new MongoCommandError(ErrorCodes.BadValue, `BSON field 'limit' value must be >= 0, actual value '${limitRaw}'`);
  const { hits } = selectDocuments(ctx, name, {
    filter,
    sort: docArg(body, 'sort'),
    skip: numberArg(body, 'skip', 0),
    limit: limitRaw,
    hint: body.hint as string | Document | undefined,
    variables: docArg(body, 'let'),
  });
  const docs = projectDocuments(
    hits.map((h) => h.doc),
    docArg(body, 'projection'),
    filter,
  );
  ctx.server.opcounters.query++;
  return ctx.server.cursors.open(`${ctx.db}.${name}`, docs, {
    batchSize,
    singleBatch: body.singleBatch === true,
    sessionKey: ctx.sessionKey,
  });
}

/** getMore: the next batch of an open cursor. */
export function getMoreCommand(ctx: CommandContext): Document {
  const collection = ctx.body.collection;
  if (typeof collection !== 'string') {
    throw new MongoCommandError(ErrorCodes.FailedToParse, "BSON field 'getMore.collection' is missing but a required field");
  }
  ctx.server.opcounters.getmore++;
  return ctx.server.cursors.getMore(ctx.body.getMore, `${ctx.db}.${collection}`, numberArg(ctx.body, 'batchSize'));
}

/** killCursors. */
export function killCursorsCommand(ctx: CommandContext): Document {
  const ids = ctx.body.cursors;
  if (!Array.isArray(ids)) throw new MongoCommandError(ErrorCodes.FailedToParse, "BSON field 'killCursors.cursors' is missing but a required field");
  return ctx.server.cursors.kill(ids);
}

/** count: the number of matching documents (with skip/limit). */
export function countCommand(ctx: CommandContext): Document {
  const name = collectionArg(ctx);
  const filter = docArg(ctx.body, 'query') ?? {};
  const skip = numberArg(ctx.body, 'skip', 0)!;
  const limit = Math.abs(numberArg(ctx.body, 'limit', 0)!);
  let n: number;
  const coll = ctx.server.catalog.get(ctx.db, name);
  if (Object.keys(filter).length === 0 && !ctx.txn) {
    n = coll?.docs.size ?? 0;
    n = Math.max(0, n - skip);
    if (limit > 0) n = Math.min(n, limit);
  } else {
    n = selectDocuments(ctx, name, { filter, skip, limit, hint: ctx.body.hint as string | Document | undefined }).hits.length;
  }
  ctx.server.opcounters.command++;
  return { n, ok: 1 };
}

/** distinct: the distinct values of a field (array elements counted one by one). */
export function distinctCommand(ctx: CommandContext): Document {
  const name = collectionArg(ctx);
  const key = ctx.body.key;
  if (typeof key !== 'string') throw new MongoCommandError(ErrorCodes.FailedToParse, "BSON field 'distinct.key' is missing but a required field");
  const filter = docArg(ctx.body, 'query') ?? {};
  const { hits } = selectDocuments(ctx, name, { filter });
  const parts = key.split('.');
  const seen = new Map<string, unknown>();
  for (const { doc } of hits) collect(doc, parts, 0, seen);
  const values = [...seen.values()];
  sortDocuments(values as Document[], { v: 1 }, (v) => ({ v }));
  return { values, ok: 1 };
}

function collect(value: unknown, parts: string[], i: number, out: Map<string, unknown>): void {
  if (i === parts.length) {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) add(v, out);
    } else add(value, out);
    return;
  }
  if (Array.isArray(value)) {
    for (const el of value) collect(el, parts, i, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  collect((value as Document)[parts[i]!], parts, i + 1, out);
}

function add(v: unknown, out: Map<string, unknown>): void {
  // Distinct values compare like MongoDB: 1, 1.0 and Long(1) are one value.
  const key = encodeValue(v);
  if (!out.has(key)) out.set(key, v);
}
