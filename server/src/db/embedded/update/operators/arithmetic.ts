import { Long } from 'bson';
import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonKind, bsonTypeName, isNumeric } from '../bson-kind.js';
import { formatElement, formatIdOf, formatValue } from '../format-value.js';
import { addNumbers, Int64OverflowError, multiplyNumbers, type NumericValue } from '../numeric.js';
import { ABSENT, setTo, type FieldOperator, type OperatorContext } from './field-operator.js';

type Kind = 'add' | 'multiply';

function debugNumber(v: unknown): string {
  switch (bsonKind(v)) {
    case 'long':
      return `(NumberLong)${(v as Long).toString()}`;
    case 'decimal':
      return `(NumberDecimal)${String(v)}`;
    default:
      return `(${bsonTypeName(v) === 'int' ? 'NumberInt' : 'NumberDouble'})${formatValue(v)}`;
  }
}

function makeArithmetic(name: '$inc' | '$mul', kind: Kind): FieldOperator<NumericValue> {
  const verb = kind === 'add' ? 'increment' : 'multiply';
  const compute = (a: unknown, b: unknown, current: unknown, ctx: OperatorContext): NumericValue => {
    try {
      return kind === 'add' ? addNumbers(a, b) : multiplyNumbers(a, b);
    } catch (err) {
      if (!(err instanceof Int64OverflowError)) throw err;
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `Failed to apply ${name} operations to current value (${debugNumber(current)}) for document ${formatIdOf(ctx.doc)}`,
      );
    }
  };
  return {
    name,
    createsPath: true,
    parse(value, field) {
      if (!isNumeric(value)) {
        throw new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `Cannot ${verb} with non-numeric argument: {${formatElement(field, value)}}`,
        );
      }
      return value as NumericValue;
    },
    apply(current, arg, ctx) {
      if (current === ABSENT) {
        // A missing field counts as 0 of the argument's type: $inc sets the argument, $mul sets 0.
        return setTo(kind === 'add' ? arg : compute(arg, 0, 0, ctx));
      }
      if (!isNumeric(current)) {
        throw new MongoCommandError(
          ErrorCodes.TypeMismatch,
          `Cannot apply ${name} to a value of non-numeric type. ${formatIdOf(ctx.doc)} has the field '${ctx.field}' of non-numeric type ${bsonTypeName(current)}`,
        );
      }
      return setTo(compute(current, arg, current, ctx));
    },
  };
}

/** `$inc`: adds, keeping BSON numeric types (Long stays Long, Decimal128 stays Decimal128). */
export const incOperator = makeArithmetic('$inc', 'add');

/** `$mul`: multiplies, keeping BSON numeric types; a missing field becomes 0 of the argument's type. */
export const mulOperator = makeArithmetic('$mul', 'multiply');
