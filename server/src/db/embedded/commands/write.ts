import { calculateObjectSize, type Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { Limits } from '../wire/messages.js';
import { compileFilter } from '../query/matcher.js';
import { assertUnlocked, deleteDoc, insertDoc, readMatches, replaceDoc } from '../storage/doc-access.js';
import { applyUpdate, validateUpdate } from '../update/apply-update.js';
import { collectionArg, CommandWriteScope, docArg, type CommandContext } from './context.js';
import { buildUpsertDocument, withIdFirst } from './upsert.js';

function statements(ctx: CommandContext, field: string): Document[] {
  const list = ctx.body[field];
  if (!Array.isArray(list)) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, `BSON field '${ctx.name}.${field}' is missing but a required field`);
  }
  if (list.length > Limits.maxWriteBatchSize) {
    throw new MongoCommandError(ErrorCodes.InvalidLength, `Write batch sizes must be between 1 and ${Limits.maxWriteBatchSize}. Got ${list.length} operations.`);
  }
  return list as Document[];
}

/** Runs a write command's statements in order, collecting per-statement errors as MongoDB does. */
async function runStatements(
  ctx: CommandContext,
  scope: CommandWriteScope,
  list: Document[],
  each: (stmt: Document, index: number) => void,
): Promise<Document[]> {
  const ordered = ctx.body.ordered !== false;
  const writeErrors: Document[] = [];
  try {
    for (let i = 0; i < list.length; i++) {
      try {
        await scope.retryWhileLocked(() => each(list[i]!, i));
      } catch (err) {
        if (!(err instanceof MongoCommandError)) throw err;
        // Inside a transaction the first error aborts it: report it as the command's error.
        if (ctx.txn) throw err;
        writeErrors.push(err.toWriteError(i));
        if (ordered) break;
      }
    }
  } finally {
    // Whatever happened, what was applied in memory is journaled (never memory without disk).
    await scope.done();
  }
  return writeErrors;
}

function withErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

/** insert: stores documents (adding `_id` first when missing). */
export async function insertCommand(ctx: CommandContext): Promise<Document> {
  const name = collectionArg(ctx);
  const docs = statements(ctx, 'documents');
  const scope = new CommandWriteScope(ctx);
  const coll = ctx.server.catalog.getOrCreate(ctx.db, name, scope.ops);
  let n = 0;
  const writeErrors = await runStatements(ctx, scope, docs, (raw) => {
    if (calculateObjectSize(raw) > Limits.maxBsonObjectSize) {
      throw new MongoCommandError(ErrorCodes.BSONObjectTooLarge, `object to insert too large. size in bytes: ${calculateObjectSize(raw)}, max size: ${Limits.maxBsonObjectSize}`);
    }
    const doc = withIdFirst(raw);
    if (Array.isArray(doc._id)) throw new MongoCommandError(ErrorCodes.BadValue, "can't use an array for _id");
    if (doc._id instanceof RegExp) throw new MongoCommandError(ErrorCodes.BadValue, "can't use a regex for _id");
    insertDoc(scope, coll, doc);
    n++;
  });
  ctx.server.opcounters.insert += docs.length;
  return withErrors({ n }, writeErrors);
}

/** update: operator, replacement or pipeline updates; multi; upsert; arrayFilters. */
export async function updateCommand(ctx: CommandContext): Promise<Document> {
  const name = collectionArg(ctx);
  const list = statements(ctx, 'updates');
  const scope = new CommandWriteScope(ctx);
  const { catalog } = ctx.server;
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = await runStatements(ctx, scope, list, (stmt, index) => {
    const filter = (stmt.q ?? {}) as Document;
    const update = stmt.u as Document | Document[];
    const multi = stmt.multi === true;
    const arrayFilters = stmt.arrayFilters as Document[] | undefined;
    if (update === undefined || update === null || typeof update !== 'object') {
      throw new MongoCommandError(ErrorCodes.FailedToParse, "BSON field 'update.updates.u' is missing but a required field");
    }
    validateUpdate(update, { multi, upsert: stmt.upsert === true });
    const matcher = compileFilter(filter, docArg(ctx.body, 'let'));
    const coll = catalog.get(ctx.db, name);
    const { hits } = readMatches(scope, coll, filter, matcher, stmt.hint as string | Document | undefined, multi ? Infinity : 1);
    if (hits.length === 0) {
      if (stmt.upsert === true) {
        const doc = buildUpsertDocument(filter, update, { arrayFilters });
        insertDoc(scope, catalog.getOrCreate(ctx.db, name, scope.ops), doc);
        n++;
        upserted.push({ index, _id: doc._id });
      }
      return;
    }
    assertUnlocked(scope, coll!, hits.map((h) => h.rid));
    // Compute every new document first so a bad update changes nothing.
    const variables = docArg(ctx.body, 'let');
    const changes = hits.map((hit) => ({ hit, result: applyUpdate(hit.doc, update, { filter, arrayFilters, variables }) }));
    for (const { hit, result } of changes) {
      n++;
      if (!result.modified) continue;
      replaceDoc(scope, coll!, hit.rid, result.doc);
      nModified++;
    }
  });
  ctx.server.opcounters.update += list.length;
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withErrors(reply, writeErrors);
}

/** delete: removes one (limit 1) or all matching documents per statement. */
export async function deleteCommand(ctx: CommandContext): Promise<Document> {
  const name = collectionArg(ctx);
  const list = statements(ctx, 'deletes');
  const scope = new CommandWriteScope(ctx);
  let n = 0;
  const writeErrors = await runStatements(ctx, scope, list, (stmt) => {
    const filter = (stmt.q ?? {}) as Document;
    const limit = Number(stmt.limit ?? 0);
    if (limit !== 0 && limit !== 1) {
      throw new MongoCommandError(ErrorCodes.FailedToParse, `The limit field in delete objects must be 0 or 1. Got ${limit}`);
    }
    const coll = ctx.server.catalog.get(ctx.db, name);
    const { hits } = readMatches(scope, coll, filter, compileFilter(filter, docArg(ctx.body, 'let')), stmt.hint as string | Document | undefined, limit === 1 ? 1 : Infinity);
    if (hits.length === 0) return;
    assertUnlocked(scope, coll!, hits.map((h) => h.rid));
    for (const hit of hits) {
      deleteDoc(scope, coll!, hit.rid, hit.doc);
      n++;
    }
  });
  ctx.server.opcounters.delete += list.length;
  return withErrors({ n }, writeErrors);
}
