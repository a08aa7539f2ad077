import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonTypeName } from '../bson-kind.js';
import { bsonEquals } from '../bson-compare.js';
import { type FieldOperator } from './field-operator.js';
import { cullArray } from './pull.js';

/** `$pullAll`: removes every element equal (BSON equality) to one of the listed values. */
export const pullAllOperator: FieldOperator<unknown[]> = {
  name: '$pullAll',
  createsPath: false,
  parse(value) {
    if (!Array.isArray(value)) {
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        `$pullAll requires an array argument but was given a ${bsonTypeName(value)}`,
      );
    }
    return value;
  },
  apply: (current, values) => cullArray(current, (element) => values.some((v) => bsonEquals(element, v))),
};
