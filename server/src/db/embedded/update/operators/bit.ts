import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonKind, bsonTypeName, isDocument } from '../bson-kind.js';
import { formatElement } from '../format-value.js';
import { bitwise, integralValue } from '../numeric.js';
import { ABSENT, setTo, type FieldOperator } from './field-operator.js';

function idElement(doc: Record<string, unknown>): string {
  // MongoDB prints the bare element here (no braces), unlike most other update errors.
  return Object.hasOwn(doc, '_id') ? formatElement('_id', doc._id) : '';
}

type BitOp = { op: 'and' | 'or' | 'xor'; operand: unknown };

/** `$bit`: and/or/xor on Int32 and Long fields; a missing field starts from 0. */
export const bitOperator: FieldOperator<BitOp[]> = {
  name: '$bit',
  createsPath: true,
  parse(value) {
    if (!isDocument(value)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `The $bit modifier is not compatible with a ${bsonTypeName(value)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
      );
    }
    const ops: BitOp[] = [];
    for (const [op, operand] of Object.entries(value)) {
      if (op !== 'and' && op !== 'or' && op !== 'xor') {
        throw new MongoCommandError(
          ErrorCodes.BadValue,
          `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${formatElement(op, operand)}}`,
        );
      }
      if (integralValue(operand) === undefined) {
        throw new MongoCommandError(
          ErrorCodes.BadValue,
          `The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeName(operand)}' is not supported here: {${formatElement(op, operand)}}`,
        );
      }
      ops.push({ op, operand });
    }
    if (ops.length === 0) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        'You must pass in at least one bitwise operation. The format is: {$bit: {field: {and/or/xor: #}}',
      );
    }
    return ops;
  },
  apply(current, ops, ctx) {
    let value: unknown = current === ABSENT ? 0 : current;
    if (current !== ABSENT && integralValue(current) === undefined) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `Cannot apply $bit to a value of non-integral type.${idElement(ctx.doc)} has the field ${ctx.field} of non-integer type ${bsonKind(current) === 'number' ? 'double' : bsonTypeName(current)}`,
      );
    }
    for (const { op, operand } of ops) value = bitwise(value, operand, op);
    return setTo(value);
  },
};
