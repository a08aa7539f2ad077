import { Timestamp } from 'bson';
import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonTypeName, isDocument } from '../bson-kind.js';
import { setTo, type FieldOperator } from './field-operator.js';

type DateType = 'date' | 'timestamp';

let lastSecond = 0;
let increment = 0;

/**
 * A Timestamp for "now". MongoDB uses the cluster time; we use the clock's seconds with an
 * increment so that timestamps taken within the same second still differ and keep increasing.
 */
function timestampAt(now: Date): Timestamp {
  const seconds = Math.floor(now.getTime() / 1000);
  if (seconds === lastSecond) increment += 1;
  else {
    lastSecond = seconds;
    increment = 1;
  }
  return new Timestamp({ t: seconds, i: increment });
}

/** `$currentDate`: sets the field to the clock's time as a Date or a Timestamp. */
export const currentDateOperator: FieldOperator<DateType> = {
  name: '$currentDate',
  createsPath: true,
  parse(value) {
    if (typeof value === 'boolean') return 'date';
    if (isDocument(value)) {
      for (const key of Object.keys(value)) {
        if (key !== '$type') {
          throw new MongoCommandError(ErrorCodes.BadValue, `Unrecognized $currentDate option: ${key}`);
        }
      }
      const type = value.$type;
      if (type === 'date' || type === 'timestamp') return type;
      throw new MongoCommandError(
        ErrorCodes.BadValue,
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      );
    }
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `${bsonTypeName(value)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  },
  apply: (_current, type, ctx) => setTo(type === 'date' ? new Date(ctx.now.getTime()) : timestampAt(ctx.now)),
};
