import type { Document } from 'bson';

/** Marks a field that does not exist (distinct from a field holding null). */
export const ABSENT: unique symbol = Symbol('absent');

/** The current value at an update path, or ABSENT. */
export type Current = unknown;

/** What an operator decided to do with the field it targets. */
export type Outcome = { kind: 'set'; value: unknown } | { kind: 'unset' } | { kind: 'noop' };

/** What an operator may need besides the field value: the document (for `_id` in messages) and the clock. */
export interface OperatorContext {
  /** the document being updated (the working copy); error messages name its `_id` */
  doc: Document;
  /** the concrete dotted path being updated, e.g. `grades.1.score` */
  path: string;
  /** the last part of `path` */
  field: string;
  now: Date;
}

/**
 * One update operator acting on one field. `parse` runs before any document is touched, so a bad
 * argument fails the whole update up front as in MongoDB; `apply` turns the current value into
 * an outcome without mutating anything.
 */
export interface FieldOperator<A = unknown> {
  readonly name: string;
  /** false for operators that do nothing when the path is missing ($unset, $pop, $pull, $pullAll) */
  readonly createsPath: boolean;
  /**
   * For operators that do not create paths: true when a path blocked by a scalar is a silent
   * no-op ($unset) rather than MongoDB's PathNotViable ($pop, $pull, $pullAll).
   */
  readonly allowNonViablePath?: boolean;
  parse(value: unknown, field: string): A;
  apply(current: Current, arg: A, ctx: OperatorContext): Outcome;
}

/** Shorthand for "write this value". */
export const setTo = (value: unknown): Outcome => ({ kind: 'set', value });

/** Shorthand for "leave the field as it is". */
export const NOOP: Outcome = { kind: 'noop' };
