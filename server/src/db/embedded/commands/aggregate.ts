import { ObjectId, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { checkPipeline, rewritePipeline, translateMingoError } from '../aggregate/pipeline-rules.js';
import { compileFastGroup } from '../aggregate/fast-group.js';
import { AGGREGATION_CONTEXT, renameExtraExpressions } from '../aggregate/extra-expressions.js';
import { compileFilter } from '../query/matcher.js';
import { matchView } from '../query/numeric-view.js';
import { cloneDocument } from '../update/clone-document.js';
import { allDocs, deleteDoc, insertDoc, readMatches, replaceDoc, type WriteScope } from '../storage/doc-access.js';
import { ridOf } from '../storage/collection.js';
import { collectionArg, CommandWriteScope, docArg, numberArg, type CommandContext } from './context.js';

/** Stages that build new objects and never write into their input documents. */
const NON_MUTATING_STAGES = new Set(['$match', '$group', '$sort', '$limit', '$skip', '$sortByCount', '$project', '$bucket', '$bucketAuto']);

/** Runs a pipeline over a collection as the command's scope sees it (transaction overlay included). */
export function runPipeline(ctx: CommandContext, scope: WriteScope, name: string | null, pipeline: Document[], variables?: Document): Document[] {
  checkPipeline(pipeline);
  pipeline = renameExtraExpressions(rewritePipeline(pipeline));
  const { catalog } = ctx.server;
  const mutating = pipeline.some((stage) => !NON_MUTATING_STAGES.has(Object.keys(stage)[0]!));
  let stages = pipeline;
  let input: Document[];
  const coll = name === null ? undefined : catalog.get(ctx.db, name);
  const first = pipeline[0];
  if (first && '$match' in first) {
    // A leading $match uses the indexes.
    const filter = first.$match as Document;
    input = readMatches(scope, coll, filter, compileFilter(filter, variables)).hits.map((h) => h.doc);
    stages = pipeline.slice(1);
  } else {
    input = allDocs(scope, coll);
  }
  // A leading $group of a common shape runs in one pass without mingo.
  const group = stages[0] && '$group' in stages[0] ? compileFastGroup(stages[0].$group as Document) : null;
  if (group) {
    input = group(input);
    stages = stages.slice(1);
    if (stages.length === 0) return input;
  }
  // mingo computes on JS numbers: it sees Long/Decimal128/Double as numbers (matchView).
  input = input.map(matchView);
  if (mutating) input = input.map(cloneDocument);
  const resolver = (foreign: string): Document[] => {
    const docs = allDocs(scope, catalog.get(ctx.db, foreign)).map(matchView);
    return mutating ? docs.map(cloneDocument) : docs;
  };
  try {
    return new Aggregator(stages, { collectionResolver: resolver, context: AGGREGATION_CONTEXT, ...(variables ? { variables } : {}) }).run(input) as Document[];
  } catch (err) {
    throw translateMingoError(err);
  }
}

/** aggregate: runs the pipeline; `$out` / `$merge` as the last stage write the results. */
export async function aggregateCommand(ctx: CommandContext): Promise<Document> {
  const body = ctx.body;
  const target = body.aggregate;
  const name = target === 1 ? null : collectionArg(ctx);
  const pipeline = body.pipeline;
  if (!Array.isArray(pipeline)) {
    throw new MongoCommandError(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
  }
  if (body.explain === true) {
    return { explainVersion: '1', stages: pipeline.map((s: Document) => ({ ...s })), ok: 1 };
  }
  const cursorOpt = body.cursor as Document | undefined;
  if (!cursorOpt || typeof cursorOpt !== 'object') {
    throw new MongoCommandError(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const last = pipeline[pipeline.length - 1] as Document | undefined;
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : null;
  const scope = new CommandWriteScope(ctx);
  const results = runPipeline(ctx, scope, name, writeStage ? pipeline.slice(0, -1) : pipeline, docArg(body, 'let'));
  ctx.server.opcounters.command++;
  if (writeStage) {
    if (ctx.txn) throw new MongoCommandError(ErrorCodes.OperationNotSupportedInTransaction, `${Object.keys(writeStage)[0]} cannot be used in a transaction`);
    try {
      if ('$out' in writeStage) writeOut(ctx, scope, writeStage.$out, results);
      else writeMerge(ctx, scope, writeStage.$merge as Document | string, results);
    } finally {
      await scope.done();
    }
    return ctx.server.cursors.open(`${ctx.db}.${name ?? '$cmd.aggregate'}`, [], {});
  }
  return ctx.server.cursors.open(`${ctx.db}.${name ?? '$cmd.aggregate'}`, results, {
    batchSize: numberArg(cursorOpt, 'batchSize'),
    sessionKey: ctx.sessionKey,
  });
}

function targetOf(ctx: CommandContext, spec: unknown): { db: string; coll: string } {
  if (typeof spec === 'string') return { db: ctx.db, coll: spec };
  if (spec && typeof spec === 'object') {
    const s = spec as Document;
    return { db: (s.db as string) ?? ctx.db, coll: s.coll as string };
  }
  throw new MongoCommandError(ErrorCodes.FailedToParse, 'invalid $out/$merge target');
}

function writeOut(ctx: CommandContext, scope: CommandWriteScope, spec: unknown, results: Document[]): void {
  const { db, coll: name } = targetOf(ctx, spec);
  const coll = ctx.server.catalog.getOrCreate(db, name, scope.ops);
  const prepared = results.map((d) => (d._id === undefined ? { _id: new ObjectId(), ...d } : d));
  const seen = new Set<string>();
  for (const doc of prepared) {
    const rid = ridOf(doc);
    if (seen.has(rid)) {
      throw new MongoCommandError(ErrorCodes.DuplicateKey, `E11000 duplicate key error collection: ${db}.${name} index: _id_ dup key: { _id: ${String(doc._id)} }`, {
        extra: { keyPattern: { _id: 1 }, keyValue: { _id: doc._id } },
      });
    }
    seen.add(rid);
  }
  for (const [rid, doc] of [...coll.docs]) deleteDoc(scope, coll, rid, doc);
  for (const doc of prepared) insertDoc(scope, coll, doc);
}

function writeMerge(ctx: CommandContext, scope: CommandWriteScope, raw: Document | string, results: Document[]): void {
  const spec: Document = typeof raw === 'string' ? { into: raw } : raw;
  const { db, coll: name } = targetOf(ctx, spec.into);
  const on = spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? (spec.on as string[]) : [spec.on as string];
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  const coll = ctx.server.catalog.getOrCreate(db, name, scope.ops);
  for (const result of results) {
    const filter: Document = {};
    for (const field of on) filter[field] = result[field] ?? null;
    const existing = readMatches(scope, coll, filter, compileFilter(filter), undefined, 1).hits[0];
    if (!existing) {
      if (whenNotMatched === 'discard') continue;
      if (whenNotMatched === 'fail') throw new MongoCommandError(13113, '$merge could not find a matching document in the target collection for at least one document in the source collection', { codeName: 'MergeStageNoMatchingDocument' });
      insertDoc(scope, coll, result._id === undefined ? { _id: new ObjectId(), ...result } : result);
      continue;
    }
    if (whenMatched === 'keepExisting') continue;
    if (whenMatched === 'fail') {
      throw new MongoCommandError(ErrorCodes.DuplicateKey, `E11000 duplicate key error collection: ${db}.${name}`, { extra: { keyPattern: { _id: 1 }, keyValue: { _id: existing.doc._id } } });
    }
    let next: Document;
    if (whenMatched === 'replace') next = { ...result, _id: existing.doc._id };
    else if (whenMatched === 'merge') next = { ...existing.doc, ...result, _id: existing.doc._id };
    else if (Array.isArray(whenMatched)) {
      next = new Aggregator(whenMatched as Document[], { variables: { new: result } }).run([cloneDocument(existing.doc)])[0] as Document;
      next = { ...next, _id: existing.doc._id };
    } else throw new MongoCommandError(ErrorCodes.BadValue, `unknown whenMatched mode ${String(whenMatched)}`);
    replaceDoc(scope, coll, existing.rid, next);
  }
}
