import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { Plan } from '../query/planner.js';
import { selectDocuments } from './read.js';
import type { CommandContext } from './context.js';

function planStage(plan: Plan | null): Document {
  if (!plan || plan.kind === 'COLLSCAN') return { stage: 'COLLSCAN', direction: 'forward' };
  if (plan.kind === 'IDHACK') return { stage: 'IDHACK' };
  return {
    stage: 'FETCH',
    inputStage: {
      stage: 'IXSCAN',
      keyPattern: plan.index.spec.key,
      indexName: plan.index.spec.name,
      isMultiKey: plan.index.multikey,
      isUnique: Boolean(plan.index.spec.unique),
      isSparse: Boolean(plan.index.spec.sparse),
      isPartial: Boolean(plan.index.spec.partialFilterExpression),
      direction: 'forward',
      indexBounds: JSON.parse(plan.bounds) as Document,
    },
  };
}

/**
 * explain for find, count, distinct, update, delete, findAndModify and aggregate: reports the
 * plan the embedded planner picks (IDHACK, IXSCAN or COLLSCAN), and with executionStats the counts.
 */
export function explainCommand(ctx: CommandContext): Document {
  const inner = ctx.body.explain as Document | undefined;
  if (!inner || typeof inner !== 'object') throw new MongoCommandError(ErrorCodes.FailedToParse, 'explain command requires a nested object');
  const verb = Object.keys(inner)[0]!;
  const name = inner[verb] as string;
  let filter: Document = {};
  if (verb === 'find') filter = (inner.filter as Document) ?? {};
  else if (verb === 'count' || verb === 'findAndModify' || verb === 'findandmodify') filter = (inner.query as Document) ?? {};
  else if (verb === 'distinct') filter = (inner.query as Document) ?? {};
  else if (verb === 'update') filter = ((inner.updates as Document[])?.[0]?.q as Document) ?? {};
  else if (verb === 'delete') filter = ((inner.deletes as Document[])?.[0]?.q as Document) ?? {};
  else if (verb === 'aggregate') {
    const first = (inner.pipeline as Document[] | undefined)?.[0];
    filter = first && '$match' in first ? (first.$match as Document) : {};
  } else throw new MongoCommandError(ErrorCodes.IllegalOperation, `Explain failed due to unknown command: ${verb}`);
  const started = Date.now();
  const { hits, plan, examined } = selectDocuments(ctx, name, {
    filter,
    sort: verb === 'find' ? (inner.sort as Document | undefined) : undefined,
    skip: verb === 'find' ? Number(inner.skip ?? 0) : 0,
    limit: verb === 'find' ? Number(inner.limit ?? 0) : 0,
    hint: inner.hint as string | Document | undefined,
  });
  const winningPlan = planStage(plan);
  const reply: Document = {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${ctx.db}.${name}`,
      parsedQuery: filter,
      winningPlan,
      rejectedPlans: [],
    },
  };
  const verbosity = ctx.body.verbosity ?? 'allPlansExecution';
  if (verbosity !== 'queryPlanner') {
    reply.executionStats = {
      executionSuccess: true,
      nReturned: hits.length,
      executionTimeMillis: Date.now() - started,
      totalKeysExamined: plan && plan.kind !== 'COLLSCAN' ? examined : 0,
      totalDocsExamined: examined,
      executionStages: winningPlan,
    };
  }
  reply.command = inner;
  reply.serverInfo = { host: ctx.server.host, port: ctx.server.port, version: '7.0.0' };
  reply.ok = 1;
  return reply;
}
