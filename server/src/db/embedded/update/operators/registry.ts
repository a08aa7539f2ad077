import { addToSetOperator } from './add-to-set.js';
import { incOperator, mulOperator } from './arithmetic.js';
import { bitOperator } from './bit.js';
import { currentDateOperator } from './current-date.js';
import type { FieldOperator } from './field-operator.js';
import { maxOperator, minOperator } from './min-max.js';
import { popOperator } from './pop.js';
import { pullAllOperator } from './pull-all.js';
import { pullOperator } from './pull.js';
import { pushOperator } from './push.js';
import { setOnInsertOperator, setOperator } from './set.js';
import { unsetOperator } from './unset.js';

/**
 * The update operators that act on one field. `$rename` is not here: it reads one path and
 * writes another, so the engine handles it itself.
 */
export const FIELD_OPERATORS: ReadonlyMap<string, FieldOperator<never>> = new Map<string, FieldOperator<never>>(
  [
    setOperator,
    setOnInsertOperator,
    unsetOperator,
    incOperator,
    mulOperator,
    minOperator,
    maxOperator,
    currentDateOperator,
    pushOperator,
    addToSetOperator,
    popOperator,
    pullOperator,
    pullAllOperator,
    bitOperator,
  ].map((op) => [op.name, op as unknown as FieldOperator<never>]),
);
