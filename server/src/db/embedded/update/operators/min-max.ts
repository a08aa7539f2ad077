import { compareBson } from '../bson-compare.js';
import { cloneDocument } from '../clone-document.js';
import { ABSENT, NOOP, setTo, type FieldOperator } from './field-operator.js';

function makeCompare(name: '$min' | '$max', keepWhen: (cmp: number) => boolean): FieldOperator<unknown> {
  return {
    name,
    createsPath: true,
    parse: (value) => value,
    apply(current, value) {
      if (current === ABSENT) return setTo(cloneDocument(value));
      // Compared in MongoDB's cross-type BSON order, so {$min: {a: null}} beats any number.
      return keepWhen(compareBson(value, current)) ? setTo(cloneDocument(value)) : NOOP;
    },
  };
}

/** `$min`: replaces the field when the argument sorts lower in BSON order. */
export const minOperator = makeCompare('$min', (cmp) => cmp < 0);

/** `$max`: replaces the field when the argument sorts higher in BSON order. */
export const maxOperator = makeCompare('$max', (cmp) => cmp > 0);
