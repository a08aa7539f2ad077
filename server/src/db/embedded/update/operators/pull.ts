import { ErrorCodes, MongoCommandError } from '../../errors.js';
import { bsonKind, isDocument } from '../bson-kind.js';
import { bsonEquals } from '../bson-compare.js';
import { compileQuery } from '../element-matcher.js';
import { ABSENT, NOOP, setTo, type FieldOperator } from './field-operator.js';

/** Decides whether an array element is removed. */
export type PullPredicate = (element: unknown) => boolean;

// Top-level operators that make a $pull condition a query on the element as a document.
const DOCUMENT_LEVEL = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema']);

/**
 * Builds the element test the way MongoDB does: a document whose first field is a path operator
 * (`{$gte: 6}`, `{$in: [...]}`) or a regex tests the element itself; any other document is a query
 * against elements that are documents; anything else is BSON equality.
 */
export function pullPredicate(value: unknown): PullPredicate {
  if (isDocument(value)) {
    const first = Object.keys(value)[0];
    if (first === undefined || !first.startsWith('$') || DOCUMENT_LEVEL.has(first)) {
      const matches = compileQuery(value, '');
      return (element) => isDocument(element) && matches(element);
    }
    const matches = compileQuery({ element: value }, '');
    return (element) => matches({ element });
  }
  if (bsonKind(value) === 'regex') {
    const matches = compileQuery({ element: value }, '');
    return (element) => matches({ element });
  }
  return (element) => bsonEquals(element, value);
}

/** Shared by $pull and $pullAll: remove matching elements; missing field is a no-op. */
export function cullArray(current: unknown, remove: PullPredicate): ReturnType<FieldOperator['apply']> {
  if (current === ABSENT) return NOOP;
  if (!Array.isArray(current)) {
    throw new MongoCommandError(ErrorCodes.BadValue, 'Cannot apply $pull to a non-array value');
  }
  const kept = current.filter((element) => !remove(element));
  return kept.length === current.length ? NOOP : setTo(kept);
}

/** `$pull`: removes every element equal to the value or matching the condition. */
export const pullOperator: FieldOperator<PullPredicate> = {
  name: '$pull',
  createsPath: false,
  parse: (value) => pullPredicate(value),
  apply: (current, remove) => cullArray(current, remove),
};
