import type { FieldOperator } from './field-operator.js';

/** `$unset`: removes the field; inside an array the element becomes null (positions are kept). */
export const unsetOperator: FieldOperator<null> = {
  name: '$unset',
  createsPath: false,
  allowNonViablePath: true,
  parse: () => null,
  apply: () => ({ kind: 'unset' }),
};
