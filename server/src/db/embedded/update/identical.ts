import { bsonKind, isDocument } from './bson-kind.js';
import { compareBson } from './bson-compare.js';

/**
 * True when two values are the same BSON value of the same type (Long 1 is not number 1), with
 * embedded documents compared regardless of field order. This is what decides `nModified`: an
 * update that leaves every value as it was is not a modification.
 */
export function isIdentical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ka = bsonKind(a);
  if (ka !== bsonKind(b)) return false;
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => isIdentical(v, y[i]));
  }
  if (ka === 'object') {
    if (!isDocument(a) || !isDocument(b)) return compareBson(a, b) === 0;
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => Object.hasOwn(b, k) && isIdentical(a[k], b[k]));
  }
  if (ka === 'number') return Object.is(Number(a), Number(b)) || Number(a) === Number(b);
  if (ka === 'decimal') return String(a) === String(b);
  return compareBson(a, b) === 0;
}
