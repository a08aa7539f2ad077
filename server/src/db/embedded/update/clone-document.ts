import { isDocument } from './bson-kind.js';

/**
 * Copies the plain objects and arrays of a stored document so the update engine can change the
 * copy in place. Stored documents are shared and must never change; the `bson` value classes,
 * Dates and RegExps are left shared because the engine replaces them, never mutates them.
 */
export function cloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneDocument(v)) as T;
  if (isDocument(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneDocument(v);
    return out as T;
  }
  return value;
}
