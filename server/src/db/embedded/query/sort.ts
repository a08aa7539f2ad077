import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError, notSupported } from '../errors.js';
import { compareValues } from '../storage/key-encoding.js';

/** Values at a dotted path, descending into arrays (MongoDB's sort-key semantics). */
function valuesAt(doc: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(doc)) {
      if (doc.length === 0) out.push(undefined);
      else for (const v of doc) out.push(v);
    } else out.push(doc);
    return;
  }
  if (Array.isArray(doc)) {
    const index = /^\d+$/.test(parts[i]!) ? Number(parts[i]) : NaN;
    if (!Number.isNaN(index)) return valuesAt(doc[index], parts, i + 1, out);
    for (const el of doc) if (el && typeof el === 'object') valuesAt((el as Document)[parts[i]!], parts, i + 1, out);
    return;
  }
  if (doc === null || typeof doc !== 'object') {
    out.push(undefined);
    return;
  }
  valuesAt((doc as Document)[parts[i]!], parts, i + 1, out);
}

/** The sort key of a document for one field: the least element ascending, the greatest descending. */
function sortKey(doc: Document, parts: string[], dir: number): unknown {
  const values: unknown[] = [];
  valuesAt(doc, parts, 0, values);
  let best: unknown = values[0] ?? null;
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i] ?? null, best ?? null);
    if (dir > 0 ? c < 0 : c > 0) best = values[i];
  }
  return best ?? null;
}

/** Validates a sort specification like MongoDB does. */
export function parseSort(spec: Document): Array<{ parts: string[]; dir: number }> {
  const keys: Array<{ parts: string[]; dir: number }> = [];
  for (const [field, dirRaw] of Object.entries(spec)) {
    if (dirRaw && typeof dirRaw === 'object' && '$meta' in (dirRaw as Document)) throw notSupported('$meta sort');
    const dir = Number(dirRaw);
    if (dir !== 1 && dir !== -1) {
      throw new MongoCommandError(ErrorCodes.BadValue, `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    if (field === '$natural') continue;
    keys.push({ parts: field.split('.'), dir });
  }
  return keys;
}

/** Sorts documents in place by a MongoDB sort specification (stable). */
export function sortDocuments<T>(items: T[], spec: Document, docOf: (item: T) => Document): T[] {
  const keys = parseSort(spec);
  if (keys.length === 0) return items;
  const decorated = items.map((item, i) => ({ item, i, k: keys.map((key) => sortKey(docOf(item), key.parts, key.dir)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const c = compareValues(a.k[j], b.k[j]);
      if (c !== 0) return c * keys[j]!.dir;
    }
    return a.i - b.i;
  });
  for (let i = 0; i < items.length; i++) items[i] = decorated[i]!.item;
  return items;
}
