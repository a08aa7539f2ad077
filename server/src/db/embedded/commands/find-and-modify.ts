import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { compileFilter } from '../query/matcher.js';
import { projectDocuments } from '../query/projection.js';
import { sortDocuments } from '../query/sort.js';
import { assertUnlocked, deleteDoc, insertDoc, readMatches, replaceDoc } from '../storage/doc-access.js';
import { applyUpdate, validateUpdate } from '../update/apply-update.js';
import { collectionArg, CommandWriteScope, docArg, type CommandContext } from './context.js';
import { buildUpsertDocument } from './upsert.js';

/** findAndModify: atomically finds one document and updates, replaces or removes it. */
export async function findAndModifyCommand(ctx: CommandContext): Promise<Document> {
  const name = collectionArg(ctx);
  const body = ctx.body;
  const filter = docArg(body, 'query') ?? {};
  const sort = docArg(body, 'sort');
  const fields = docArg(body, 'fields');
  const remove = body.remove === true;
  const update = body.update as Document | Document[] | undefined;
  const returnNew = body.new === true;
  const upsert = body.upsert === true;
  const arrayFilters = body.arrayFilters as Document[] | undefined;
  if (remove && update !== undefined) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
  }
  if (!remove && update === undefined) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
  }
  if (remove && (upsert || returnNew)) {
    throw new MongoCommandError(ErrorCodes.FailedToParse, 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');
  }
  if (update !== undefined) validateUpdate(update, { multi: false, upsert });
  const matcher = compileFilter(filter, docArg(body, 'let'));
  const scope = new CommandWriteScope(ctx);
  const { catalog } = ctx.server;

  let reply: Document;
  try {
    reply = await scope.retryWhileLocked((): Document => {
      const coll = catalog.get(ctx.db, name);
      const { hits } = readMatches(scope, coll, filter, matcher, body.hint as string | Document | undefined, sort ? Infinity : 1);
      if (sort) sortDocuments(hits, sort, (h) => h.doc);
      const hit = hits[0];
      if (hit) assertUnlocked(scope, coll!, [hit.rid]);
      if (remove) {
        if (!hit) return { lastErrorObject: { n: 0 }, value: null };
        deleteDoc(scope, coll!, hit.rid, hit.doc);
        return { lastErrorObject: { n: 1 }, value: project(hit.doc) };
      }
      if (hit) {
        const result = applyUpdate(hit.doc, update!, { filter, arrayFilters, variables: docArg(body, 'let') });
        if (result.modified) replaceDoc(scope, coll!, hit.rid, result.doc);
        return {
          lastErrorObject: { n: 1, updatedExisting: true },
          value: project(returnNew ? result.doc : hit.doc),
        };
      }
      if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
      const doc = buildUpsertDocument(filter, update!, { arrayFilters });
      insertDoc(scope, catalog.getOrCreate(ctx.db, name, scope.ops), doc);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
        value: returnNew ? project(doc) : null,
      };
    });
  } finally {
    // What was applied in memory is journaled even if building the reply failed.
    await scope.done();
  }
  ctx.server.opcounters.update++;
  return { ...reply, ok: 1 };

  function project(doc: Document): Document {
    return fields ? projectDocuments([doc], fields, filter)[0]! : doc;
  }
}
