import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { bsonKind, isDocument } from './bson-kind.js';
import { cloneDocument } from './clone-document.js';
import { isContainer, readChild } from './document-path.js';
import { idFirst } from './id-field.js';
import { ABSENT } from './operators/field-operator.js';

const NONE: unique symbol = Symbol('no equality');

/**
 * The value a filter condition pins a field to, or NONE. `{a: 1}`, `{a: {b: 1}}` (an embedded
 * document without operators), `{a: {$eq: 1}}` and `{a: {$in: [1]}}` are equalities; ranges,
 * regexes and multi-value `$in` are not.
 */
function equalityOf(condition: unknown): unknown {
  if (bsonKind(condition) === 'regex') return NONE;
  if (!isDocument(condition)) return condition;
  const keys = Object.keys(condition);
  if (keys.length === 0 || !(keys[0] as string).startsWith('$')) return condition;
  if (Object.hasOwn(condition, '$eq')) return condition.$eq;
  const inValues = condition.$in;
  if (Array.isArray(inValues) && inValues.length === 1 && bsonKind(inValues[0]) !== 'regex') return inValues[0];
  return NONE;
}

function collectEqualities(filter: Document, out: [string, unknown][]): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isDocument(clause)) collectEqualities(clause, out);
    } else if (key === '$or' && Array.isArray(value) && value.length === 1 && isDocument(value[0])) {
      // A one-branch $or is just its branch (MongoDB normalises it away).
      collectEqualities(value[0], out);
    } else if (!key.startsWith('$')) {
      const eq = equalityOf(value);
      if (eq !== NONE) out.push([key, eq]);
    }
  }
}

function assertSingleValued(paths: readonly string[]): void {
  paths.forEach((path, i) => {
    for (const other of paths.slice(0, i)) {
      if (other === path) {
        throw new MongoCommandError(
          ErrorCodes.NotSingleValueField,
          `cannot infer query fields to set, path '${path}' is matched twice`,
        );
      }
      if (other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
        throw new MongoCommandError(
          ErrorCodes.NotSingleValueField,
          `cannot infer query fields to set, both paths '${other}' and '${path}' are matched`,
        );
      }
    }
  });
}

function setLiteral(root: Document, parts: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = root;
  for (const part of parts.slice(0, -1)) {
    const child = readChild(node, part);
    if (child === ABSENT || !isContainer(child) || Array.isArray(child)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/**
 * The document an upsert starts from when nothing matched: the filter's equality fields
 * (`{a: 1, 'b.c': 2, $and: [{d: 3}]}` → `{a: 1, b: {c: 2}, d: 3}`). The update is then applied to
 * it with `isInsert: true`.
 */
export function upsertSeedFromFilter(filter: Document): Document {
  const equalities: [string, unknown][] = [];
  collectEqualities(filter ?? {}, equalities);
  assertSingleValued(equalities.map(([path]) => path));
  const seed: Document = {};
  for (const [path, value] of equalities) setLiteral(seed, path.split('.'), cloneDocument(value));
  return idFirst(seed);
}
