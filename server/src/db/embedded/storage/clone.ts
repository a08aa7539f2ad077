import type { Document } from 'bson';

/**
 * Deep-copies plain objects and arrays, keeping BSON values (ObjectId, Long, Date…) as they are.
 * Used where a library may mutate documents in place, since stored documents are shared.
 */
export function cloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneDocument) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Document = {};
    for (const key of Object.keys(value)) out[key] = cloneDocument((value as Document)[key]);
    return out as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  return value;
}
