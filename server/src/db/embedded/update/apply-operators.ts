import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { parseArrayFilters, type ElementFilter } from './array-filters.js';
import { cloneDocument } from './clone-document.js';
import { applyAtPath, isContainer, readChild, readPath } from './document-path.js';
import { expandArrayPath } from './expand-array-path.js';
import { comparePathTexts, isPathPrefix, partText, type FieldPath, type PathPart } from './field-path.js';
import { formatElement, formatValue } from './format-value.js';
import { assertStorableId, idFirst, keepsId } from './id-field.js';
import { ABSENT } from './operators/field-operator.js';
import { setOperator } from './operators/set.js';
import type { ParsedUpdate, UpdateAction } from './parse-update.js';
import { resolvePositional } from './positional.js';

/** What an operator update needs besides the document. */
export interface OperatorUpdateContext {
  filter?: Document;
  arrayFilters?: readonly unknown[];
  isInsert: boolean;
  now: Date;
}

/** A concrete path the update wrote (or tried to), for conflict and `_id` checks. */
interface Touched {
  parts: string[];
  /** set when the path is the source of a $rename (MongoDB words the `_id` error differently) */
  renameSource?: boolean;
}

/**
 * Checks `arrayFilters` against the identifiers the update uses: every `$[x]` needs a filter and
 * every filter must be used, as MongoDB requires.
 */
export function checkArrayFilterUsage(
  update: Document,
  parsed: ParsedUpdate,
  filters: ReadonlyMap<string, ElementFilter>,
): void {
  for (const action of parsed.actions) {
    for (const part of action.path.parts) {
      if (part.kind === 'filtered' && !filters.has(part.identifier)) {
        throw new MongoCommandError(
          ErrorCodes.BadValue,
          `No array filter found for identifier '${part.identifier}' in path '${action.path.dotted}'`,
        );
      }
    }
  }
  for (const id of filters.keys()) {
    if (!parsed.identifiers.has(id)) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `The array filter for identifier '${id}' was not used in the update ${formatValue(update)}`,
      );
    }
  }
}

function texts(path: FieldPath): string[] {
  return path.parts.map(partText);
}

function idText(doc: Document): string {
  return Object.hasOwn(doc, '_id') ? formatElement('_id', doc._id) : 'no id';
}

/** Replaces the positional `$` by the index of the array element the filter matched. */
function resolvePositionalParts(path: FieldPath, original: Document, ctx: OperatorUpdateContext): PathPart[] {
  const at = path.parts.findIndex((p) => p.kind === 'positional');
  if (at < 0) return path.parts;
  const prefix = path.parts.slice(0, at);
  if (ctx.isInsert || prefix.some((p) => p.kind !== 'field')) {
    throw new MongoCommandError(ErrorCodes.BadValue, 'The positional operator did not find the match needed from the query.');
  }
  const index = resolvePositional(original, ctx.filter, prefix.map(partText));
  const parts = [...path.parts];
  parts[at] = { kind: 'field', name: String(index) };
  return parts;
}

/**
 * $rename: a $set of the destination followed by an $unset of the source. Neither side may go
 * through an array, and a missing source is a no-op.
 */
function applyRename(working: Document, from: string[], to: string[], now: Date): void {
  let node: unknown = working;
  for (let i = 0; i < from.length - 1; i++) {
    const child = readChild(node, from[i] as string);
    if (child === ABSENT) return;
    if (!isContainer(child)) {
      throw new MongoCommandError(
        ErrorCodes.PathNotViable,
        `cannot use the part (${from[i + 1]} of ${from.join('.')}) to traverse the element ({${formatElement(from[i] as string, child)}})`,
      );
    }
    node = child;
  }
  const value = readChild(node, from[from.length - 1] as string);
  if (value === ABSENT) return;
  for (let i = 0; i < from.length - 1; i++) {
    if (Array.isArray(readPath(working, from.slice(0, i + 1)))) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The source field cannot be an array element, '${from.join('.')}' in doc with ${idText(working)} has an array field called '${from[i]}'`,
      );
    }
  }
  for (let i = 0; i < to.length - 1; i++) {
    const step = readPath(working, to.slice(0, i + 1));
    if (step === ABSENT) break;
    if (Array.isArray(step)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The destination field cannot be an array element, '${to.join('.')}' in doc with ${idText(working)} has an array field called '${to[i]}'`,
      );
    }
  }
  applyAtPath(working, to, setOperator as never, value, { now });
  delete (node as Record<string, unknown>)[from[from.length - 1] as string];
}

/** MongoDB re-checks array updates after expansion: two of them may land on the same element. */
function assertNoRuntimeConflict(touched: readonly Touched[]): void {
  const sorted = touched.map((t) => t.parts).sort(comparePathTexts);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as string[];
    if (isPathPrefix(prev, sorted[i] as string[])) {
      throw new MongoCommandError(ErrorCodes.ConflictingUpdateOperators, `Update created a conflict at '${prev.join('.')}'`);
    }
  }
}

function assertIdUnchanged(original: Document, working: Document, touched: readonly Touched[]): void {
  if (keepsId(original, working)) return;
  const culprit = touched.find((t) => t.parts[0] === '_id');
  if (culprit?.renameSource) {
    throw new MongoCommandError(
      ErrorCodes.ImmutableField,
      `Unsetting the path '${culprit.parts.join('.')}' using $rename would modify the immutable field '_id'`,
    );
  }
  throw new MongoCommandError(
    ErrorCodes.ImmutableField,
    `Performing an update on the path '${culprit ? culprit.parts.join('.') : '_id'}' would modify the immutable field '_id'`,
  );
}

function sortForApplication(actions: readonly UpdateAction[]): UpdateAction[] {
  // MongoDB 5+ applies updates in path order (numeric parts numerically), so new fields are
  // added in that order whatever order the update document listed them in.
  return [...actions].sort((a, b) => comparePathTexts(texts(a.path), texts(b.path)));
}

/**
 * Applies a parsed operator update to a copy of `doc` and returns the copy. Throws MongoDB's
 * errors; on error nothing is returned, so the stored document is untouched.
 */
export function applyOperatorUpdate(
  doc: Document,
  update: Document,
  parsed: ParsedUpdate,
  ctx: OperatorUpdateContext,
): Document {
  const filters = parseArrayFilters(ctx.arrayFilters);
  checkArrayFilterUsage(update, parsed, filters);
  const working = cloneDocument(doc);
  const touched: Touched[] = [];
  let dynamic = false;
  for (const action of sortForApplication(parsed.actions)) {
    if (action.kind === 'rename') {
      const from = texts(action.from);
      const to = texts(action.path);
      touched.push({ parts: from, renameSource: true }, { parts: to });
      applyRename(working, from, to, ctx.now);
      continue;
    }
    if (action.operator.name === '$setOnInsert' && !ctx.isInsert) continue;
    const parts = resolvePositionalParts(action.path, doc, ctx);
    if (action.path.parts.some((p) => p.kind !== 'field')) dynamic = true;
    // Array filters select elements of the document as it was before the update (MongoDB
    // matches them all before applying any), so two placeholders can land on the same element.
    for (const concrete of expandArrayPath(doc, parts, filters)) {
      touched.push({ parts: concrete });
      applyAtPath(working, concrete, action.operator, action.arg, { now: ctx.now });
    }
  }
  if (dynamic) assertNoRuntimeConflict(touched);
  assertIdUnchanged(doc, working, touched);
  assertStorableId(working);
  // An upsert may set `_id` last; MongoDB stores it first.
  return idFirst(working);
}
