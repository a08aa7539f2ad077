import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonTypeName, isDocument, isNumeric } from '../bson-kind.js';
import { compareBson } from '../bson-compare.js';
import { cloneDocument } from '../clone-document.js';
import { formatIdOf } from '../format-value.js';
import { isArrayIndex } from '../field-path.js';
import { ABSENT, setTo, type FieldOperator } from './field-operator.js';

/** A parsed $push argument: the values, plus the optional $position/$sort/$slice modifiers. */
export interface PushSpec {
  values: unknown[];
  position?: number;
  sort?: ElementComparator;
  slice?: number;
}

/** Orders two array elements for $push's $sort. */
export type ElementComparator = (a: unknown, b: unknown) => number;

const CLAUSES = new Set(['$each', '$slice', '$sort', '$position']);

/** $slice/$position accept any integral number (int, long, or a double with no fraction). */
function integerClause(value: unknown): number | undefined {
  if (!isNumeric(value)) return undefined;
  const n = Number(String(value));
  return Number.isInteger(n) ? n : undefined;
}

function sortDirection(value: unknown): 1 | -1 | undefined {
  if (!isNumeric(value)) return undefined;
  const n = Number(String(value));
  return n === 1 || n === -1 ? n : undefined;
}

function valueAtPath(element: unknown, path: string): unknown {
  let node: unknown = element;
  for (const part of path.split('.')) {
    if (Array.isArray(node) && isArrayIndex(part)) node = node[Number(part)];
    else if (isDocument(node)) node = node[part];
    else return null;
    if (node === undefined) return null;
  }
  return node;
}

function parseSort(value: unknown): ElementComparator {
  if (isDocument(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      throw new MongoCommandError(ErrorCodes.BadValue, 'The $sort pattern is empty when it should be a set of fields.');
    }
    const keys = entries.map(([field, dir]) => {
      const direction = sortDirection(dir);
      if (direction === undefined) {
        throw new MongoCommandError(ErrorCodes.BadValue, 'The $sort element value must be either 1 or -1');
      }
      if (field === '') throw new MongoCommandError(ErrorCodes.BadValue, 'The $sort field cannot be empty');
      if (field.split('.').some((p) => p === '')) {
        throw new MongoCommandError(
          ErrorCodes.BadValue,
          `The $sort field is a dotted field but has an empty part: ${field}`,
        );
      }
      return { field, direction };
    });
    // Elements that are not documents have none of the fields, so they sort as null.
    return (a, b) => {
      for (const { field, direction } of keys) {
        const va = isDocument(a) ? valueAtPath(a, field) : null;
        const vb = isDocument(b) ? valueAtPath(b, field) : null;
        const cmp = compareBson(va, vb) * direction;
        if (cmp !== 0) return cmp;
      }
      return 0;
    };
  }
  if (isNumeric(value)) {
    const direction = sortDirection(value);
    if (direction === undefined) {
      throw new MongoCommandError(ErrorCodes.BadValue, 'The $sort element value must be either 1 or -1');
    }
    return (a, b) => compareBson(a, b) * direction;
  }
  throw new MongoCommandError(
    ErrorCodes.BadValue,
    'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
  );
}

function parsePush(value: unknown): PushSpec {
  // Only a document containing $each is the modifier form; anything else is the value to push.
  if (!isDocument(value) || !Object.hasOwn(value, '$each')) return { values: [value] };
  for (const clause of Object.keys(value)) {
    if (!CLAUSES.has(clause)) {
      throw new MongoCommandError(ErrorCodes.BadValue, `Unrecognized clause in $push: ${clause}`);
    }
  }
  const each = value.$each;
  if (!Array.isArray(each)) {
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `The argument to $each in $push must be an array but it was of type: ${bsonTypeName(each)}`,
    );
  }
  const spec: PushSpec = { values: each };
  if (Object.hasOwn(value, '$slice')) {
    const slice = integerClause(value.$slice);
    if (slice === undefined) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The value for $slice must be an integer value but was given type: ${bsonTypeName(value.$slice)}`,
      );
    }
    spec.slice = slice;
  }
  if (Object.hasOwn(value, '$sort')) spec.sort = parseSort(value.$sort);
  if (Object.hasOwn(value, '$position')) {
    const position = integerClause(value.$position);
    if (position === undefined) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The value for $position must be an integer value, not of type: ${bsonTypeName(value.$position)}`,
      );
    }
    spec.position = position;
  }
  return spec;
}

function insertAt(array: unknown[], values: unknown[], position: number | undefined): void {
  const size = array.length;
  let at: number;
  if (position === undefined || position >= size) at = size;
  else if (position >= 0) at = position;
  else at = -position < size ? size + position : 0; // negative counts from the end
  array.splice(at, 0, ...values);
}

/** `$push`: appends (or inserts at $position), then applies $sort, then $slice, as MongoDB does. */
export const pushOperator: FieldOperator<PushSpec> = {
  name: '$push',
  createsPath: true,
  parse: (value) => parsePush(value),
  apply(current, spec, ctx) {
    if (current !== ABSENT && !Array.isArray(current)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The field '${ctx.path}' must be an array but is of type ${bsonTypeName(current)} in document ${formatIdOf(ctx.doc)}`,
      );
    }
    let result = current === ABSENT ? [] : [...(current as unknown[])];
    insertAt(result, spec.values.map((v) => cloneDocument(v)), spec.position);
    if (spec.sort) result.sort(spec.sort);
    if (spec.slice !== undefined) {
      result = spec.slice >= 0 ? result.slice(0, spec.slice) : result.slice(Math.max(0, result.length + spec.slice));
    }
    return setTo(result);
  },
};
