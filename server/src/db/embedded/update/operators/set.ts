import { cloneDocument } from '../clone-document.js';
import { setTo, type FieldOperator } from './field-operator.js';

function makeSet(name: string): FieldOperator<unknown> {
  return {
    name,
    createsPath: true,
    parse: (value) => value,
    // The update's value is copied so one update applied to many documents never shares objects.
    apply: (_current, value) => setTo(cloneDocument(value)),
  };
}

/** `$set`: writes the value, creating the path. */
export const setOperator = makeSet('$set');

/** `$setOnInsert`: like $set, but the engine only runs it when an upsert inserts. */
export const setOnInsertOperator = makeSet('$setOnInsert');
