import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { bsonTypeName, isDocument } from './bson-kind.js';
import { parseFieldPath, partText, type FieldPath } from './field-path.js';
import { formatElement, formatValue } from './format-value.js';
import type { FieldOperator } from './operators/field-operator.js';
import { FIELD_OPERATORS } from './operators/registry.js';

/** One field of an operator update, parsed and checked: `{$inc: {a: 1}}` → ($inc, a, 1). */
export type UpdateAction =
  | { kind: 'field'; operator: FieldOperator<never>; path: FieldPath; arg: unknown }
  | { kind: 'rename'; from: FieldPath; path: FieldPath };

/** An operator update ready to apply to any number of documents. */
export interface ParsedUpdate {
  actions: UpdateAction[];
  /** the `$[identifier]`s the paths use, to check against `arrayFilters` */
  identifiers: Set<string>;
}

/**
 * Detects two updates of the same path or of a path and its ancestor, which MongoDB rejects
 * before touching the document. Mirrors the server's update tree: paths are added in document
 * order and the message names the path being added and where it collides.
 */
class ConflictTree {
  private readonly root = new Map<string, ConflictNode>();

  add(path: FieldPath): void {
    const texts = path.parts.map(partText);
    let level = this.root;
    texts.forEach((text, i) => {
      const last = i === texts.length - 1;
      const node = level.get(text);
      if (node && (last || node.leaf)) {
        throw new MongoCommandError(
          ErrorCodes.ConflictingUpdateOperators,
          `Updating the path '${path.dotted}' would create a conflict at '${texts.slice(0, i + 1).join('.')}'`,
        );
      }
      const next = node ?? { leaf: last, children: new Map<string, ConflictNode>() };
      level.set(text, next);
      level = next.children;
    });
  }
}

interface ConflictNode {
  leaf: boolean;
  children: Map<string, ConflictNode>;
}

// Operators that only remove never store a value, so a `$`-prefixed name is harmless for them.
const REMOVING = new Set(['$unset', '$pop', '$pull', '$pullAll']);

/** A top-level `$`-prefixed field cannot be stored (MongoDB 5+ allows them only when nested). */
function assertStorableName(path: FieldPath): void {
  const first = path.parts[0];
  if (first?.kind === 'field' && first.name.startsWith('$')) {
    throw new MongoCommandError(
      ErrorCodes.DollarPrefixedFieldName,
      `The dollar ($) prefixed field '${first.name}' in '${first.name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
    );
  }
}

function collectIdentifiers(path: FieldPath, into: Set<string>): void {
  for (const part of path.parts) if (part.kind === 'filtered') into.add(part.identifier);
}

function isDynamic(path: FieldPath): boolean {
  return path.parts.some((p) => p.kind !== 'field');
}

function parseRename(field: string, value: unknown, from: FieldPath): UpdateAction {
  if (typeof value !== 'string') {
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `The 'to' field for $rename must be a string: ${formatElement(field, value)}`,
    );
  }
  if (value.includes('\0')) {
    throw new MongoCommandError(ErrorCodes.BadValue, "The 'to' field for $rename cannot contain an embedded null byte");
  }
  const to = parseFieldPath(value);
  if (from.dotted === to.dotted) {
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `The source and target field for $rename must differ: ${formatElement(field, value)}`,
    );
  }
  const fromTexts = from.parts.map(partText);
  const toTexts = to.parts.map(partText);
  const shorter = Math.min(fromTexts.length, toTexts.length);
  if (fromTexts.slice(0, shorter).every((p, i) => p === toTexts[i])) {
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `The source and target field for $rename must not be on the same path: ${formatElement(field, value)}`,
    );
  }
  if (isDynamic(from)) {
    throw new MongoCommandError(ErrorCodes.BadValue, `The source field for $rename may not be dynamic: ${from.dotted}`);
  }
  if (isDynamic(to)) {
    throw new MongoCommandError(ErrorCodes.BadValue, `The destination field for $rename may not be dynamic: ${to.dotted}`);
  }
  return { kind: 'rename', from, path: to };
}

/**
 * Parses an operator-style update (`{$set: {...}, $inc: {...}}`), checking everything MongoDB
 * checks before it looks at a document: known operators, document-valued operators, valid
 * paths, operator arguments, and conflicting paths.
 */
export function parseOperatorUpdate(update: Document): ParsedUpdate {
  const actions: UpdateAction[] = [];
  const identifiers = new Set<string>();
  const conflicts = new ConflictTree();
  for (const [name, spec] of Object.entries(update)) {
    const operator = FIELD_OPERATORS.get(name);
    if (!operator && name !== '$rename') {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isDocument(spec)) {
      throw new MongoCommandError(
        ErrorCodes.FailedToParse,
        `Modifiers operate on fields but we found type ${bsonTypeName(spec)} instead. For example: {$mod: {<field>: ...}} not {${name}: ${formatValue(spec)}}`,
      );
    }
    for (const [field, value] of Object.entries(spec)) {
      if (value === undefined) continue; // never on the wire; ignoreUndefined semantics
      const path = parseFieldPath(field);
      if (operator) {
        const arg = operator.parse(value as never, field);
        if (!REMOVING.has(name)) assertStorableName(path);
        conflicts.add(path);
        collectIdentifiers(path, identifiers);
        actions.push({ kind: 'field', operator, path, arg });
      } else {
        const action = parseRename(field, value, path);
        assertStorableName(action.path);
        conflicts.add(path);
        conflicts.add(action.path);
        actions.push(action);
      }
    }
  }
  return { actions, identifiers };
}
