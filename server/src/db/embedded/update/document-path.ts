import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { isDocument } from './bson-kind.js';
import { isArrayIndex } from './field-path.js';
import { formatElement } from './format-value.js';
import { ABSENT, type FieldOperator, type Outcome } from './operators/field-operator.js';

/** A value that update paths can step into: an embedded document or an array. */
export type Container = Record<string, unknown> | unknown[];

/** True for the values a path can descend into. */
export function isContainer(v: unknown): v is Container {
  return Array.isArray(v) || isDocument(v);
}

/** The child named by one path part, or ABSENT. Arrays only have numeric children. */
export function readChild(parent: unknown, name: string): unknown {
  if (Array.isArray(parent)) {
    if (!isArrayIndex(name)) return ABSENT;
    const i = Number(name);
    return i < parent.length ? parent[i] : ABSENT;
  }
  if (isDocument(parent) && Object.hasOwn(parent, name) && parent[name] !== undefined) return parent[name];
  return ABSENT;
}

/** Writes a child; writing past the end of an array pads it with nulls, as MongoDB does. */
function writeChild(parent: Container, name: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const i = Number(name);
    while (parent.length < i) parent.push(null);
    parent[i] = value;
  } else {
    parent[name] = value;
  }
}

/** Removes a child; inside an array the slot becomes null so later positions do not shift. */
function removeChild(parent: Container, name: string): void {
  if (Array.isArray(parent)) {
    const i = Number(name);
    if (i < parent.length) parent[i] = null;
  } else {
    delete parent[name];
  }
}

function cannotCreate(field: string, parentName: string, parent: unknown): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.PathNotViable,
    `Cannot create field '${field}' in element {${formatElement(parentName, parent)}}`,
  );
}

function cannotTraverse(parts: readonly string[], at: number, name: string, element: unknown): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.PathNotViable,
    `Cannot use the part (${parts[at]}) of (${parts.join('.')}) to traverse the element ({${formatElement(name, element)}})`,
  );
}

/** Reads the value at a concrete path (no placeholders), without traversing arrays implicitly. */
export function readPath(root: unknown, parts: readonly string[]): unknown {
  let node: unknown = root;
  for (const part of parts) {
    node = readChild(node, part);
    if (node === ABSENT) return ABSENT;
  }
  return node;
}

/** What one operator application did, for `_id` checks and conflict reports. */
export interface PathApplication {
  changed: boolean;
}

/**
 * Applies one operator at one concrete path of the working document (which the engine owns and
 * may mutate). Missing intermediate fields are created as embedded documents for operators that
 * create paths. Stepping through a scalar, or into an array by a non-numeric name, is MongoDB's
 * PathNotViable, except for $unset which ignores such paths; a merely missing path is a no-op for
 * the operators that only remove.
 */
export function applyAtPath(
  root: Document,
  parts: readonly string[],
  operator: FieldOperator<never>,
  arg: unknown,
  context: { now: Date },
): PathApplication {
  const path = parts.join('.');
  const field = parts[parts.length - 1] as string;
  const ctx = { doc: root, path, field, now: context.now };
  let parent: Container = root;
  let parentName = '';
  for (let i = 0; i < parts.length - 1; i++) {
    const name = parts[i] as string;
    const child = readChild(parent, name);
    if (isContainer(child)) {
      parent = child;
      parentName = name;
      continue;
    }
    if (!operator.createsPath) {
      if (operator.allowNonViablePath) return { changed: false };
      if (child !== ABSENT) throw cannotTraverse(parts, i + 1, name, child);
      if (Array.isArray(parent) && !isArrayIndex(name)) throw cannotTraverse(parts, i, parentName, parent);
      return { changed: false };
    }
    if (child !== ABSENT) throw cannotCreate(parts[i + 1] as string, name, child);
    if (Array.isArray(parent) && !isArrayIndex(name)) throw cannotCreate(name, parentName, parent);
    const outcome: Outcome = operator.apply(ABSENT, arg as never, ctx);
    if (outcome.kind !== 'set') return { changed: false };
    // Build the missing tail as nested documents (numeric names become field names, not arrays).
    let value: unknown = outcome.value;
    for (let j = parts.length - 1; j > i; j--) value = { [parts[j] as string]: value };
    writeChild(parent, name, value);
    return { changed: true };
  }
  if (Array.isArray(parent) && !isArrayIndex(field)) {
    if (operator.createsPath) throw cannotCreate(field, parentName, parent);
    if (operator.allowNonViablePath) return { changed: false };
    throw cannotTraverse(parts, parts.length - 1, parentName, parent);
  }
  const current = readChild(parent, field);
  const outcome = operator.apply(current, arg as never, ctx);
  switch (outcome.kind) {
    case 'set':
      writeChild(parent, field, outcome.value);
      return { changed: true };
    case 'unset':
      if (current === ABSENT) return { changed: false };
      removeChild(parent, field);
      return { changed: true };
    default:
      return { changed: false };
  }
}
