import type { Document } from 'bson';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as expressionOps from 'mingo/operators/expression';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as windowOps from 'mingo/operators/window';
import { ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import { assertSupportedFilter } from '../query/matcher.js';
import { EXTRA_EXPRESSION_NAMES } from './extra-expressions.js';

const UNSUPPORTED_STAGES: Record<string, string> = {
  $geoNear: '$geoNear',
  $search: 'Atlas Search ($search)',
  $searchMeta: 'Atlas Search ($searchMeta)',
  $vectorSearch: '$vectorSearch',
  $changeStream: 'change streams',
  $collStats: '$collStats',
  $indexStats: '$indexStats',
  $currentOp: '$currentOp',
  $listSessions: '$listSessions',
  $listLocalSessions: '$listLocalSessions',
  $planCacheStats: '$planCacheStats',
};

const KNOWN_STAGES = new Set(Object.keys(pipelineOps));
const KNOWN_EXPRESSIONS = new Set([...Object.keys(expressionOps), '$literal', ...EXTRA_EXPRESSION_NAMES]);
const KNOWN_ACCUMULATORS = new Set([...Object.keys(accumulatorOps), ...Object.keys(windowOps)]);

/** Stages whose specification holds expressions we can check for unknown operators. */
const EXPRESSION_STAGES = new Set(['$project', '$addFields', '$set', '$replaceRoot', '$replaceWith', '$sortByCount']);

function checkExpression(expr: unknown, allowAccumulators: boolean): void {
  if (Array.isArray(expr)) {
    for (const e of expr) checkExpression(e, false);
    return;
  }
  if (!expr || typeof expr !== 'object' || (expr as { _bsontype?: string })._bsontype || expr instanceof Date || expr instanceof RegExp) return;
  for (const [key, value] of Object.entries(expr as Document)) {
    if (key.startsWith('$')) {
      if (key === '$literal') continue;
      const known = KNOWN_EXPRESSIONS.has(key) || (allowAccumulators && KNOWN_ACCUMULATORS.has(key));
      if (!known) throw new MongoCommandError(ErrorCodes.InvalidPipelineOperator, `Invalid $project :: caused by :: Unrecognized expression '${key}'`);
    }
    checkExpression(value, false);
  }
}

/**
 * Rejects what MongoDB rejects (unknown stages 40324, unknown expressions 168, $group without
 * _id 15955) and what we do not support (clear error 238), before anything runs.
 */
export function checkPipeline(pipeline: Document[]): void {
  for (const stage of pipeline) {
    if (!stage || typeof stage !== 'object' || Object.keys(stage).length !== 1) {
      throw new MongoCommandError(40323, 'A pipeline stage specification object must contain exactly one field.', { codeName: 'Location40323' });
    }
    const name = Object.keys(stage)[0]!;
    const spec = stage[name] as Document;
    const feature = UNSUPPORTED_STAGES[name];
    if (feature) throw notSupported(feature);
    if (!KNOWN_STAGES.has(name)) {
      throw new MongoCommandError(40324, `Unrecognized pipeline stage name: '${name}'`, { codeName: 'Location40324' });
    }
    if (name === '$match') {
      assertSupportedFilter(spec);
      if (spec && typeof spec === 'object' && '$expr' in spec) checkExpression(spec.$expr, false);
    }
    if (EXPRESSION_STAGES.has(name)) checkExpression(spec, false);
    if (name === '$group') {
      if (!spec || typeof spec !== 'object' || !('_id' in spec)) {
        throw new MongoCommandError(15955, 'a group specification must include an _id', { codeName: 'Location15955' });
      }
      for (const [field, acc] of Object.entries(spec)) {
        if (field === '_id') checkExpression(acc, false);
        else checkExpression(acc, true);
      }
    }
    if (name === '$lookup') {
      if (spec.from && typeof spec.from === 'object') throw notSupported('$lookup from another database');
      if (Array.isArray(spec.pipeline)) checkPipeline(spec.pipeline as Document[]);
    }
    if (name === '$unionWith' && typeof spec === 'object' && Array.isArray(spec.pipeline)) checkPipeline(spec.pipeline as Document[]);
    if (name === '$facet') for (const sub of Object.values(spec)) checkPipeline(sub as Document[]);
  }
}

/**
 * Rewrites stages mingo gets wrong into equivalent ones it gets right:
 * - `$count` → `$group` + `$project` (MongoDB's own definition; yields nothing for no input);
 * - `$bucket` → `$group` on a `$switch` + `$sort` (MongoDB's definition; mingo misplaces values
 *   equal to a boundary);
 * - `$lookup` with both localField/foreignField and a pipeline (MongoDB 5+): the equality
 *   becomes the first `$match` of the sub-pipeline.
 */
export function rewritePipeline(pipeline: Document[]): Document[] {
  const out: Document[] = [];
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0]!;
    const spec = stage[name] as Document;
    if (name === '$sample' && spec && typeof spec.size === 'number') {
      // MongoDB samples without replacement (a random sort on small inputs); mingo draws with it.
      const tag = '__careloop_sample';
      out.push({ $set: { [tag]: { $rand: {} } } }, { $sort: { [tag]: 1 } }, { $limit: spec.size }, { $unset: tag });
    } else if (name === '$bucket' && spec && Array.isArray(spec.boundaries)) {
      out.push(...bucketAsGroup(spec));
    } else if (name === '$count') {
      out.push({ $group: { _id: null, [spec as unknown as string]: { $sum: 1 } } }, { $project: { _id: 0 } });
    } else if (name === '$lookup' && spec.localField !== undefined && spec.foreignField !== undefined && Array.isArray(spec.pipeline)) {
      const local = '__careloop_lookup_local';
      const { localField, foreignField, ...rest } = spec;
      out.push({
        $lookup: {
          ...rest,
          let: { ...((spec.let as Document) ?? {}), [local]: `$${String(localField)}` },
          pipeline: [
            {
              $match: {
                $expr: {
                  $in: [
                    { $ifNull: [`$${String(foreignField)}`, null] },
                    { $cond: [{ $isArray: `$$${local}` }, `$$${local}`, [{ $ifNull: [`$$${local}`, null] }]] },
                  ],
                },
              },
            },
            ...rewritePipeline(spec.pipeline as Document[]),
          ],
        },
      });
    } else if (name === '$lookup' && Array.isArray(spec.pipeline)) {
      out.push({ $lookup: { ...spec, pipeline: rewritePipeline(spec.pipeline as Document[]) } });
    } else if (name === '$facet') {
      const facets: Document = {};
      for (const [k, sub] of Object.entries(spec)) facets[k] = rewritePipeline(sub as Document[]);
      out.push({ $facet: facets });
    } else {
      out.push(stage);
    }
  }
  return out;
}

/** Translates mingo's error messages into MongoDB's codes and wording where we know them. */
export function translateMingoError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = (err as Error)?.message ?? String(err);
  let m = /unknown (?:top level |query )?operator:? (\$\w+)/.exec(message);
  if (m) return new MongoCommandError(ErrorCodes.BadValue, `unknown operator: ${m[1]}`);
  m = /unregistered pipeline operator (\$\w+)/.exec(message);
  if (m) return new MongoCommandError(40324, `Unrecognized pipeline stage name: '${m[1]}'`, { codeName: 'Location40324' });
  if (/Cannot do exclusion and inclusion in projection/.test(message)) {
    return new MongoCommandError(31254, 'Cannot do exclusion in inclusion projection', { codeName: 'Location31254' });
  }
  if (/\$group specification must include/.test(message)) {
    return new MongoCommandError(15955, 'a group specification must include an _id', { codeName: 'Location15955' });
  }
  return new MongoCommandError(ErrorCodes.BadValue, message);
}

function bucketAsGroup(spec: Document): Document[] {
  const bounds = spec.boundaries as unknown[];
  if (bounds.length < 2) {
    throw new MongoCommandError(40192, "The $bucket 'boundaries' field must have at least 2 values", { codeName: 'Location40192' });
  }
  const branches = [];
  for (let i = 0; i < bounds.length - 1; i++) {
    branches.push({
      case: { $and: [{ $gte: [spec.groupBy, bounds[i]] }, { $lt: [spec.groupBy, bounds[i + 1]] }] },
      then: { $literal: bounds[i] },
    });
  }
  const $switch: Document = { branches };
  if (spec.default !== undefined) $switch.default = { $literal: spec.default };
  const output = (spec.output as Document | undefined) ?? { count: { $sum: 1 } };
  return [{ $group: { _id: { $switch }, ...output } }, { $sort: { _id: 1 } }];
}
