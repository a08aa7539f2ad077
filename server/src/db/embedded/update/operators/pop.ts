import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonTypeName, isNumeric } from '../bson-kind.js';
import { formatElement } from '../format-value.js';
import { ABSENT, NOOP, setTo, type FieldOperator } from './field-operator.js';

/** `$pop`: removes the first (-1) or last (1) element; a missing field or empty array is a no-op. */
export const popOperator: FieldOperator<1 | -1> = {
  name: '$pop',
  createsPath: false,
  parse(value, field) {
    if (!isNumeric(value)) {
      throw new MongoCommandError(ErrorCodes.FailedToParse, `Expected a number in: ${formatElement(field, value)}`);
    }
    const n = Number(String(value));
    if (!Number.isInteger(n)) {
      throw new MongoCommandError(ErrorCodes.FailedToParse, `Expected an integer: ${formatElement(field, value)}`);
    }
    if (n !== 1 && n !== -1) {
      throw new MongoCommandError(ErrorCodes.FailedToParse, `$pop expects 1 or -1, found: ${n}`);
    }
    return n;
  },
  apply(current, end, ctx) {
    if (current === ABSENT) return NOOP;
    if (!Array.isArray(current)) {
      throw new MongoCommandError(
        ErrorCodes.TypeMismatch,
        `Path '${ctx.path}' contains an element of non-array type '${bsonTypeName(current)}'`,
      );
    }
    if (current.length === 0) return NOOP;
    return setTo(end === 1 ? current.slice(0, -1) : current.slice(1));
  },
};
