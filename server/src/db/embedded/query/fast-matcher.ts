import type { Document } from 'bson';

/** A verdict, or undefined when the document needs the full matcher (arrays, BSON wrappers…). */
export type FastMatcher = (doc: Document) => boolean | undefined;

type Bracket = 'number' | 'string' | 'bool' | 'date' | 'objectId';

function bracketOf(v: unknown): Bracket | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? undefined : 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof Date) return 'date';
  if (v !== null && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'ObjectId') return 'objectId';
  return undefined;
}

function keyOf(v: unknown, bracket: Bracket): number | string | boolean {
  if (bracket === 'date') return (v as Date).getTime();
  if (bracket === 'objectId') return (v as { toHexString(): string }).toHexString();
  return v as number | string | boolean;
}

type Test = (actual: unknown) => boolean | undefined;

const RANGE: Record<string, (c: number) => boolean> = {
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

function compileOperand(op: string, operand: unknown): Test | null {
  if (op === '$exists') {
    const want = Boolean(operand);
    return (actual) => (actual !== undefined) === want;
  }
  if (op === '$in' || op === '$nin') {
    if (!Array.isArray(operand)) return null;
    const tests = operand.map((v) => compileOperand('$eq', v));
    if (tests.some((t) => t === null)) return null;
    return (actual) => {
      let any = false;
      for (const t of tests) {
        const r = t!(actual);
        if (r === undefined) return undefined;
        if (r) { any = true; break; }
      }
      return op === '$in' ? any : !any;
    };
  }
  const bracket = bracketOf(operand);
  if (!bracket) return null;
  const key = keyOf(operand, bracket);
  if (op === '$eq' || op === '$ne') {
    const ne = op === '$ne';
    return (actual) => {
      if (actual === undefined || actual === null) return ne;
      const b = bracketOf(actual);
      if (!b) return undefined;
      const eq = b === bracket && keyOf(actual, b) === key;
      return ne ? !eq : eq;
    };
  }
  const range = RANGE[op];
  if (!range) return null;
  return (actual) => {
    if (actual === undefined || actual === null) return false;
    const b = bracketOf(actual);
    if (!b) return undefined;
    if (b !== bracket) return false;
    const k = keyOf(actual, b);
    return range(k < key ? -1 : k > key ? 1 : 0);
  };
}

/**
 * A matcher for the filters applications send most — top-level fields compared with scalars,
 * dates and ObjectIds by equality, ranges, $in/$nin, $ne and $exists — without building a
 * mingo query per request. Returns null for any other filter; the returned matcher answers
 * undefined for documents whose values it does not handle (arrays, BSON number wrappers…).
 */
export function compileFastMatcher(filter: Document): FastMatcher | null {
  const tests: Array<[string, Test]> = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$') || field.includes('.')) return null;
    if (cond !== null && typeof cond === 'object' && !bracketOf(cond)) {
      const ops = Object.entries(cond as Document);
      if (ops.length === 0) return null;
      for (const [op, operand] of ops) {
        const t = compileOperand(op, operand);
        if (!t) return null;
        tests.push([field, t]);
      }
    } else {
      const t = compileOperand('$eq', cond);
      if (!t || cond === null) return null;
      tests.push([field, t]);
    }
  }
  return (doc) => {
    for (const [field, test] of tests) {
      const r = test(doc[field]);
      if (r !== true) return r;
    }
    return true;
  };
}
