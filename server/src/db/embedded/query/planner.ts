import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import type { IndexStore } from '../storage/index-store.js';
import { encodeValue, recordIdOf, typeBracketBounds } from '../storage/key-encoding.js';
import { isDocument } from '../update/bson-kind.js';
import {
  ALL_KEYS,
  bracketEnds,
  formatBoundValue,
  formatInterval,
  pointInterval,
  type BoundInterval,
} from './plan-bounds.js';

/**
 * How to find candidate documents for a filter. `IXSCAN.bounds` is a JSON object text in the
 * shape of MongoDB's explain `indexBounds` (`{"age":["(30, inf.0]"]}`); for a `$or` union it is
 * `{"$or":[<bounds of each branch>]}`.
 */
export type Plan =
  | { kind: 'IDHACK'; rids: string[] }
  | { kind: 'IXSCAN'; index: IndexStore; rids: () => Iterable<string>; bounds: string }
  | { kind: 'COLLSCAN' };

/** Beyond this many point combinations ($in × $in …) a compound prefix stops growing. */
const MAX_POINTS = 1000;

/**
 * Picks how to find candidate documents for `filter`. Candidates are a superset of the matches:
 * the caller re-checks every candidate with the full matcher, so a plan only has to guarantee
 * that no match is missed. `hint` is an index name or key pattern (`{$natural: 1}` forces a
 * collection scan); an unknown hint fails with BadValue as in MongoDB.
 *
 * Assumes the simple collation: string bounds are byte-order bounds.
 */
export function planQuery(filter: Document, indexes: IndexStore[], hint?: string | Document): Plan {
  const preds = collectPredicates(filter ?? {});
  const hinted = resolveHint(hint, indexes);
  if (hinted === 'natural') return { kind: 'COLLSCAN' };
  if (hinted === 'id') return idPlan(preds) ?? { kind: 'COLLSCAN' };
  if (hinted) {
    const candidate = candidateFor(hinted, preds);
    if (candidate) return toPlan(candidate);
    return {
      kind: 'IXSCAN',
      index: hinted,
      rids: () => hinted.scan({}),
      bounds: JSON.stringify(Object.fromEntries(hinted.fields.map((f) => [f, [formatInterval(ALL_KEYS)]]))),
    };
  }
  const plan = bestPlan(preds, indexes);
  if (plan) return plan;
  const orPlan = planOr(filter ?? {}, indexes);
  return orPlan ?? { kind: 'COLLSCAN' };
}

// ---------------------------------------------------------------------------------------------
// Predicates

interface Range {
  value: unknown;
  inclusive: boolean;
}

/** What the filter says about one field path, as far as indexes can use it. */
interface FieldPredicates {
  /** Each entry is one equality ($eq: one point; $in: its points); every entry must hold. */
  eqs: unknown[][];
  lowers: Range[];
  uppers: Range[];
}

function collectPredicates(filter: Document): Map<string, FieldPredicates> {
  const out = new Map<string, FieldPredicates>();
  addConjunction(filter, out);
  return out;
}

function addConjunction(filter: Document, out: Map<string, FieldPredicates>): void {
  for (const key of Object.keys(filter)) {
    const value: unknown = filter[key];
    if (key === '$and') {
      if (Array.isArray(value)) for (const branch of value) if (isDocument(branch)) addConjunction(branch, out);
      continue;
    }
    if (key === '$or' && Array.isArray(value) && value.length === 1 && isDocument(value[0])) {
      // A one-branch $or is just that branch.
      addConjunction(value[0], out);
      continue;
    }
    if (key.startsWith('$')) continue; // $or, $nor, $expr, $comment…: no bounds from here
    addFieldPredicate(key, value, out);
  }
}

function predicatesOf(field: string, out: Map<string, FieldPredicates>): FieldPredicates {
  let p = out.get(field);
  if (!p) {
    p = { eqs: [], lowers: [], uppers: [] };
    out.set(field, p);
  }
  return p;
}

function addFieldPredicate(field: string, value: unknown, out: Map<string, FieldPredicates>): void {
  const isId = field === '_id';
  if (isOperatorObject(value)) {
    for (const op of Object.keys(value)) {
      const arg = value[op];
      switch (op) {
        case '$eq':
          if (isPointValue(arg, isId)) predicatesOf(field, out).eqs.push([arg]);
          break;
        case '$in':
          if (Array.isArray(arg) && arg.every((v) => isPointValue(v, isId))) predicatesOf(field, out).eqs.push(arg);
          break;
        case '$gt':
        case '$gte':
          if (isRangeValue(arg)) predicatesOf(field, out).lowers.push({ value: arg, inclusive: op === '$gte' });
          break;
        case '$lt':
        case '$lte':
          if (isRangeValue(arg)) predicatesOf(field, out).uppers.push({ value: arg, inclusive: op === '$lte' });
          break;
        default:
          // $ne, $nin, $not, $exists, $regex, $elemMatch, $type…: not turned into bounds.
          break;
      }
    }
    return;
  }
  if (isPointValue(value, isId)) predicatesOf(field, out).eqs.push([value]);
}

function isOperatorObject(v: unknown): v is Document {
  if (!isDocument(v)) return false;
  for (const k in v) return k.startsWith('$');
  return false;
}

/**
 * A value whose equality match is exactly "the index holds this key": not an array or
 * subdocument (they also match arrays holding them, or differ by field order), not a regex (a
 * pattern match). `_id` is never an array, so there a subdocument is a plain point.
 */
function isPointValue(v: unknown, allowObject: boolean): boolean {
  if (Array.isArray(v) || v instanceof RegExp) return false;
  if (typeof v === 'object' && v !== null) {
    const tag = (v as { _bsontype?: unknown })._bsontype;
    if (tag === 'BSONRegExp') return false;
    if (tag === undefined && !(v instanceof Date)) return allowObject && !isOperatorObject(v);
  }
  return true;
}

const RANGE_TAGS = new Set(['ObjectId', 'Long', 'Decimal128', 'Int32', 'Double', 'Timestamp', 'Binary', 'BSONSymbol']);

/** Range operands whose matches stay within their own type bracket (no null, MinKey, objects…). */
function isRangeValue(v: unknown): boolean {
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
      return true;
    case 'object':
      if (v === null) return false;
      if (v instanceof Date) return true;
      return RANGE_TAGS.has((v as { _bsontype?: string })._bsontype ?? '');
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// _id

function idPlan(preds: Map<string, FieldPredicates>): Plan | null {
  const id = preds.get('_id');
  if (!id || id.eqs.length === 0) return null;
  let best = id.eqs[0]!;
  for (const eq of id.eqs) if (eq.length < best.length) best = eq;
  if (best.length === 1) return { kind: 'IDHACK', rids: [recordIdOf(best[0])] };
  const rids = [...new Set(best.map(recordIdOf))].sort();
  return { kind: 'IDHACK', rids };
}

// ---------------------------------------------------------------------------------------------
// Secondary indexes

interface Candidate {
  index: IndexStore;
  /** Encoded key prefixes, one per combination of the equality points, sorted. */
  prefixes: string[];
  /** Per equality field, its distinct points (encoded key, value) in key order. */
  points: Array<Array<[string, unknown]>>;
  range: RangeChoice | null;
  uniqueFull: boolean;
}

function bestPlan(preds: Map<string, FieldPredicates>, indexes: IndexStore[]): Plan | null {
  const id = idPlan(preds);
  if (id) return id;
  let best: Candidate | null = null;
  for (const index of indexes) {
    if (index.spec.partialFilterExpression) continue; // would need proof that the filter implies it
    const c = candidateFor(index, preds);
    if (c && (!best || better(c, best))) best = c;
  }
  return best ? toPlan(best) : null;
}

/** Prefer: a unique index pinned by equalities, then the longest equality prefix, then a range. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.uniqueFull !== b.uniqueFull) return a.uniqueFull;
  if (a.points.length !== b.points.length) return a.points.length > b.points.length;
  if ((a.range !== null) !== (b.range !== null)) return a.range !== null;
  if (a.prefixes.length !== b.prefixes.length) return a.prefixes.length < b.prefixes.length;
  return a.index.fields.length < b.index.fields.length;
}

/** Bounds `index` can take from `preds`; null when it can use none. */
function candidateFor(index: IndexStore, preds: Map<string, FieldPredicates>): Candidate | null {
  const sparse = index.spec.sparse === true;
  let prefixes: string[] = [''];
  const points: Array<Array<[string, unknown]>> = [];
  let range: RangeChoice | null = null;
  for (const field of index.fields) {
    const p = preds.get(field);
    if (!p) break;
    // A null equality also matches a missing field, which a sparse index does not hold and which
    // a dotted path can hide inside array elements the index never saw.
    const nullOk = !sparse && field.indexOf('.') < 0;
    let eq: unknown[] | undefined;
    for (const e of p.eqs) {
      if ((eq === undefined || e.length < eq.length) && (nullOk || !hasNullish(e))) eq = e;
    }
    if (eq !== undefined) {
      const fieldPoints = distinctPoints(eq);
      if (prefixes.length * fieldPoints.length > MAX_POINTS) break;
      if (fieldPoints.length === 1) {
        for (let i = 0; i < prefixes.length; i++) prefixes[i] += fieldPoints[0]![0];
      } else {
        const next: string[] = [];
        for (const prefix of prefixes) for (const [key] of fieldPoints) next.push(prefix + key);
        prefixes = next;
      }
      points.push(fieldPoints);
      continue;
    }
    range = rangeOf(p, index.multikey);
    break;
  }
  if (points.length === 0 && !range) return null;
  if (prefixes.length > 1) prefixes.sort();
  return { index, prefixes, points, range, uniqueFull: index.spec.unique === true && points.length === index.fields.length };
}

function hasNullish(values: unknown[]): boolean {
  for (const v of values) if (v === null || v === undefined) return true;
  return false;
}

function distinctPoints(values: unknown[]): Array<[string, unknown]> {
  if (values.length === 1) return [[encodeValue(values[0]), values[0]]];
  const byKey = new Map<string, unknown>();
  for (const v of values) {
    const key = encodeValue(v);
    if (!byKey.has(key)) byKey.set(key, v);
  }
  return [...byKey].sort(byFirst);
}

function byFirst(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

interface RangeSide {
  /** Encoded key of the bound (or a type-bracket sentinel), appended to each equality prefix. */
  suffix: string;
  inclusive: boolean;
  /** The operand, or undefined for the open end of the type bracket. */
  value?: unknown;
}

interface RangeChoice {
  lower: RangeSide;
  upper: RangeSide;
  /** A value of the range's type, for naming the bracket ends in explain. */
  anchor: unknown;
}

/**
 * The tightest range within one type bracket. For a multikey index only one side is used: one
 * array element may satisfy `$gt` and another `$lt`, so their intersection could miss matches.
 */
function rangeOf(p: FieldPredicates, multikey: boolean): RangeChoice | null {
  const anchor = p.lowers[0] ?? p.uppers[0];
  if (!anchor) return null;
  const bracket = encodeValue(anchor.value).charCodeAt(0);
  let lower: RangeSide | undefined;
  for (const r of p.lowers) {
    const key = encodeValue(r.value);
    if (key.charCodeAt(0) !== bracket) continue;
    if (!lower || key > lower.suffix || (key === lower.suffix && !r.inclusive)) {
      lower = { suffix: key, inclusive: r.inclusive, value: r.value };
    }
  }
  let upper: RangeSide | undefined;
  if (!lower || !multikey) {
    for (const r of p.uppers) {
      const key = encodeValue(r.value);
      if (key.charCodeAt(0) !== bracket) continue;
      if (!upper || key < upper.suffix || (key === upper.suffix && !r.inclusive)) {
        upper = { suffix: key, inclusive: r.inclusive, value: r.value };
      }
    }
  }
  // The sentinels lie strictly between type brackets, so inclusive or not makes no difference.
  const open = typeBracketBounds(anchor.value);
  return {
    lower: lower ?? { suffix: open.min, inclusive: true },
    upper: upper ?? { suffix: open.max, inclusive: true },
    anchor: anchor.value,
  };
}

function toPlan(c: Candidate): Plan {
  const { index, prefixes, range } = c;
  const complete = c.points.length === index.fields.length;
  const scanOne = (prefix: string): Iterable<string> => {
    if (complete) return index.scanKey(prefix);
    if (!range) return index.scanPrefix(prefix);
    return index.scan({
      lower: { key: prefix + range.lower.suffix, inclusive: range.lower.inclusive },
      upper: { key: prefix + range.upper.suffix, inclusive: range.upper.inclusive },
    });
  };
  const rids =
    prefixes.length === 1 ? () => scanOne(prefixes[0]!) : () => unionOf(prefixes.map((p) => () => scanOne(p)));
  return new IndexScanPlan(c, rids);
}

/**
 * An IXSCAN plan whose explain text is built only when read: formatting bounds costs more than
 * the index lookup itself. (A class getter, not an object-literal one: V8 gives every literal
 * with an accessor a fresh hidden class, which is slow and churns memory on the hot path.)
 */
class IndexScanPlan {
  readonly kind = 'IXSCAN' as const;
  readonly index: IndexStore;

  constructor(
    private readonly candidate: Candidate,
    readonly rids: () => Iterable<string>,
  ) {
    this.index = candidate.index;
  }

  get bounds(): string {
    return describeBounds(this.candidate);
  }
}

function describeBounds(c: Candidate): string {
  const out: Record<string, string[]> = {};
  c.index.fields.forEach((field, i) => {
    let intervals: BoundInterval[] = [ALL_KEYS];
    if (i < c.points.length) intervals = c.points[i]!.map(([, v]) => pointInterval(v));
    else if (i === c.points.length && c.range) intervals = [rangeInterval(c.range)];
    out[field] = intervals.map(formatInterval);
  });
  return JSON.stringify(out);
}

function rangeInterval(r: RangeChoice): BoundInterval {
  const ends = bracketEnds(r.anchor);
  const hasLow = 'value' in r.lower;
  const hasHigh = 'value' in r.upper;
  return {
    low: hasLow ? formatBoundValue(r.lower.value) : ends.low,
    high: hasHigh ? formatBoundValue(r.upper.value) : ends.high,
    lowInclusive: hasLow ? r.lower.inclusive : true,
    highInclusive: hasHigh ? r.upper.inclusive : true,
  };
}

/** Record ids of several scans, each once, in scan order. */
function* unionOf(scans: Array<() => Iterable<string>>): Generator<string> {
  const seen = new Set<string>();
  for (const scan of scans) {
    for (const rid of scan()) {
      if (seen.has(rid)) continue;
      seen.add(rid);
      yield rid;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// $or

/** A top-level $or whose every branch can use an index becomes the union of the branch plans. */
function planOr(filter: Document, indexes: IndexStore[]): Plan | null {
  const branches: unknown = filter.$or;
  if (!Array.isArray(branches) || branches.length === 0) return null;
  const plans: Plan[] = [];
  for (const branch of branches) {
    if (!isDocument(branch)) return null;
    const plan = bestPlan(collectPredicates(branch), indexes) ?? planOr(branch, indexes);
    if (!plan || plan.kind === 'COLLSCAN') return null;
    plans.push(plan);
  }
  if (plans.every((p) => p.kind === 'IDHACK')) {
    const rids = new Set<string>();
    for (const p of plans) if (p.kind === 'IDHACK') for (const rid of p.rids) rids.add(rid);
    return { kind: 'IDHACK', rids: [...rids].sort() };
  }
  const first = plans.find((p) => p.kind === 'IXSCAN');
  if (!first || first.kind !== 'IXSCAN') return null;
  const scans = plans.map((p) => (p.kind === 'IXSCAN' ? p.rids : p.kind === 'IDHACK' ? () => p.rids : () => []));
  const shown = plans.map((p) =>
    p.kind === 'IXSCAN' ? { index: p.index.spec.name, indexBounds: JSON.parse(p.bounds) as unknown } : { index: '_id_' },
  );
  return { kind: 'IXSCAN', index: first.index, rids: () => unionOf(scans), bounds: JSON.stringify({ $or: shown }) };
}

// ---------------------------------------------------------------------------------------------
// Hints

function resolveHint(hint: string | Document | undefined, indexes: IndexStore[]): IndexStore | 'id' | 'natural' | null {
  if (hint === undefined || hint === null || hint === '') return null;
  if (typeof hint === 'string') {
    if (hint === '_id_') return 'id';
    const byName = indexes.find((i) => i.spec.name === hint);
    if (byName) return byName;
  } else if (isDocument(hint)) {
    const keys = Object.keys(hint);
    if (keys.length === 0) return null;
    if (keys[0] === '$natural') return 'natural';
    if (keys.length === 1 && keys[0] === '_id' && Number(hint._id) === 1) return 'id';
    const byPattern = indexes.find((i) => samePattern(i.spec.key, hint));
    if (byPattern) return byPattern;
  }
  throw new MongoCommandError(ErrorCodes.BadValue, 'hint provided does not correspond to an existing index');
}

function samePattern(a: Record<string, unknown>, b: Document): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    const va = a[ka[i]!];
    const vb: unknown = b[kb[i]!];
    if (typeof va === 'string' || typeof vb === 'string' ? va !== vb : Number(va) !== Number(vb)) return false;
  }
  return true;
}
