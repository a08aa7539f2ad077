import type { Document } from 'bson';
import { encodeValue } from './key-encoding.js';
import { isDocument } from '../update/bson-kind.js';

/** One index entry of a document: the encoded compound key and the values it was built from. */
export interface IndexKeyEntry {
  key: string;
  /** Per index field, the value indexed (undefined where the field is missing). */
  values: unknown[];
}

/** What one key path yields in one document. */
interface PathValues {
  values: unknown[];
  /** Paths (up to the array) of every array the traversal went through or ended on. */
  arrayPaths: string[];
  found: boolean;
}

/**
 * MongoDB's key generation for an index over `fields`: dotted paths descend into subdocuments
 * and into arrays of subdocuments; an array at the end of a path gives one key per element (an
 * empty array gives a null key); a missing field gives null. A compound index takes the
 * cartesian product, which MongoDB allows only when at most one array is involved (arrays on a
 * shared path prefix count as one) — otherwise 'parallel' is returned. A sparse index returns no
 * entries for a document missing every field.
 */
export function keyEntriesOf(doc: Document, fields: readonly string[], sparse: boolean): IndexKeyEntry[] | 'parallel' {
  if (fields.length === 1) {
    // The common single-field case, without the cartesian machinery.
    const one = valuesAtPath(doc, fields[0]!);
    if (!one.found && sparse) return [];
    if (one.values.length === 1) return [{ key: encodeValue(one.values[0]), values: one.values }];
    return distinct(one.values).map(([key, value]) => ({ key, values: [value] }));
  }
  const perField = fields.map((f) => valuesAtPath(doc, f));
  if (sparse && perField.every((p) => !p.found)) return [];
  if (hasParallelArrays(perField)) return 'parallel';
  let entries: IndexKeyEntry[] = [{ key: '', values: [] }];
  for (const field of perField) {
    const options = distinct(field.values);
    const next: IndexKeyEntry[] = [];
    for (const entry of entries) {
      for (const [key, value] of options) next.push({ key: entry.key + key, values: [...entry.values, value] });
    }
    entries = next;
  }
  return entries;
}

/**
 * Just the encoded keys of `doc` (what add/remove need), with a fast path for the common
 * single top-level field holding a scalar; same results as `keyEntriesOf`.
 */
export function indexKeysOf(doc: Document, fields: readonly string[], sparse: boolean): string[] | 'parallel' {
  if (fields.length === 1) {
    const field = fields[0]!;
    if (field.indexOf('.') < 0) {
      const v: unknown = doc[field];
      if (v === undefined) return sparse ? [] : [NULL_KEY];
      if (!Array.isArray(v)) return [encodeValue(v)];
    }
  }
  const entries = keyEntriesOf(doc, fields, sparse);
  return entries === 'parallel' ? entries : entries.map((e) => e.key);
}

const NULL_KEY = encodeValue(null);

function distinct(values: unknown[]): Array<[string, unknown]> {
  const byKey = new Map<string, unknown>();
  for (const v of values) {
    const key = encodeValue(v);
    if (!byKey.has(key)) byKey.set(key, v);
  }
  return [...byKey];
}

function hasParallelArrays(perField: PathValues[]): boolean {
  const withArrays = perField.filter((p) => p.arrayPaths.length > 0);
  for (let i = 0; i < withArrays.length; i++) {
    for (let j = i + 1; j < withArrays.length; j++) {
      for (const a of withArrays[i]!.arrayPaths) {
        for (const b of withArrays[j]!.arrayPaths) {
          if (!isPathPrefix(a, b) && !isPathPrefix(b, a)) return true;
        }
      }
    }
  }
  return false;
}

function isPathPrefix(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(prefix + '.');
}

/** Values at a dotted path; `values` is never empty (a missing path yields one undefined). */
function valuesAtPath(doc: Document, path: string): PathValues {
  const out: PathValues = { values: [], arrayPaths: [], found: false };
  const parts = path.indexOf('.') < 0 ? [path] : path.split('.');
  collect(doc, parts, 0, '', out);
  if (out.values.length === 0) out.values.push(undefined);
  return out;
}

function collect(cur: unknown, parts: string[], i: number, at: string, out: PathValues): void {
  if (i === parts.length) {
    out.found = true;
    if (Array.isArray(cur)) {
      out.arrayPaths.push(at);
      if (cur.length === 0) out.values.push(undefined);
      else for (const el of cur) out.values.push(el);
    } else {
      out.values.push(cur);
    }
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(cur)) {
    out.arrayPaths.push(at);
    if (/^\d+$/.test(part)) {
      // "a.0" names a position when a is an array (and, as in queries, a field "0" of its elements).
      const el = cur[Number(part)];
      if (el !== undefined) collect(el, parts, i + 1, `${at}.${part}`, out);
    }
    // Nested arrays are not descended into, as in MongoDB.
    for (const el of cur) if (isDocument(el)) collect(el, parts, i, at, out);
    return;
  }
  if (!isDocument(cur)) return;
  const next = (cur as Record<string, unknown>)[part];
  if (next === undefined) return;
  collect(next, parts, i + 1, at === '' ? part : `${at}.${part}`, out);
}

