import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonTypeName, isDocument } from '../bson-kind.js';
import { bsonEquals } from '../bson-compare.js';
import { cloneDocument } from '../clone-document.js';
import { formatValue } from '../format-value.js';
import { ABSENT, NOOP, setTo, type FieldOperator } from './field-operator.js';

function uniqueValues(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((seen) => bsonEquals(seen, v))) out.push(v);
  return out;
}

/**
 * `$addToSet`: appends the values not already present. Equality is MongoDB's: 1 equals 1.0 and
 * NumberLong(1), but {a: 1, b: 2} differs from {b: 2, a: 1}.
 */
export const addToSetOperator: FieldOperator<unknown[]> = {
  name: '$addToSet',
  createsPath: true,
  parse(value) {
    if (!isDocument(value) || Object.keys(value)[0] !== '$each') return [value];
    const each = value.$each;
    if (!Array.isArray(each)) {
      throw new MongoCommandError(
        ErrorCodes.TypeMismatch,
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(each)}`,
      );
    }
    if (Object.keys(value).length > 1) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `Found unexpected fields after $each in $addToSet: ${formatValue(value)}`,
      );
    }
    return uniqueValues(each);
  },
  apply(current, values, ctx) {
    if (current === ABSENT) return setTo(values.map((v) => cloneDocument(v)));
    if (!Array.isArray(current)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `Cannot apply $addToSet to non-array field. Field named '${ctx.field}' has non-array type ${bsonTypeName(current)}`,
      );
    }
    const missing = values.filter((v) => !current.some((existing) => bsonEquals(existing, v)));
    return missing.length === 0 ? NOOP : setTo([...current, ...missing.map((v) => cloneDocument(v))]);
  },
};
