import { Decimal128, Double, Int32, Long, type Document } from 'bson';
import { encodeValue } from '../storage/key-encoding.js';

/**
 * mingo compares JS numbers only, while stored documents keep BSON's numeric types (Long,
 * Decimal128, integral Double) so that updates preserve them. For matching, mingo is shown a
 * view in which every numeric value is a JS number; `$type` is answered from the original
 * document by our own `$bsonType` operator, since the view has lost the distinction.
 */
export const ORIGINAL = Symbol('careloop.original');

function numericTag(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const tag = (v as { _bsontype?: string })._bsontype;
  return tag === 'Long' || tag === 'Double' || tag === 'Int32' || tag === 'Decimal128' ? tag : undefined;
}

/** The JS number for a numeric BSON value (Decimal128 approximated). */
export function toJsNumber(v: unknown): number {
  switch (numericTag(v)) {
    case 'Long':
      return (v as Long).toNumber();
    case 'Decimal128':
      return Number((v as Decimal128).toString());
    case 'Double':
    case 'Int32':
      return (v as Double | Int32).valueOf();
    default:
      return v as number;
  }
}

const wrappedCache = new WeakMap<object, boolean>();

/** True when a value holds a numeric BSON wrapper anywhere (cached per document). */
export function hasWrappedNumbers(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (numericTag(v)) return true;
  if (v instanceof Date || v instanceof RegExp || (v as { _bsontype?: string })._bsontype) return false;
  const cached = wrappedCache.get(v);
  if (cached !== undefined) return cached;
  let found = false;
  if (Array.isArray(v)) found = v.some(hasWrappedNumbers);
  else for (const key in v as Document) if (hasWrappedNumbers((v as Document)[key])) { found = true; break; }
  wrappedCache.set(v, found);
  return found;
}

/** A value with every numeric BSON wrapper turned into a JS number (what mingo can compare). */
export function toView(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (numericTag(v)) return toJsNumber(v);
  if (Array.isArray(v)) return v.map(toView);
  if (v instanceof Date || v instanceof RegExp || (v as { _bsontype?: string })._bsontype) return v;
  const out: Document = {};
  for (const key of Object.keys(v)) out[key] = toView((v as Document)[key]);
  return out;
}

const viewCache = new WeakMap<Document, Document>();

/** The document as mingo should see it (itself when it holds no numeric wrappers). */
export function matchView(doc: Document): Document {
  if (!hasWrappedNumbers(doc)) return doc;
  let view = viewCache.get(doc);
  if (!view) {
    view = toView(doc) as Document;
    Object.defineProperty(view, ORIGINAL, { value: doc, enumerable: false });
    viewCache.set(doc, view);
  }
  return view;
}

/** A filter with numeric wrappers turned into numbers and `$type` into `$bsonType`. */
export function normalizeFilter(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (numericTag(v)) return toJsNumber(v);
  if (Array.isArray(v)) return v.map(normalizeFilter);
  if (v instanceof Date || v instanceof RegExp || (v as { _bsontype?: string })._bsontype) return v;
  const out: Document = {};
  for (const [key, value] of Object.entries(v as Document)) {
    if (!key.startsWith('$') && isPlainDocument(value) && !Object.keys(value).some((k) => k.startsWith('$'))) {
      // Equality to an embedded document is field-order sensitive in MongoDB (mingo's is not).
      out[key] = { $eqOrdered: normalizeFilter(value) };
    } else out[key === '$type' ? '$bsonType' : key] = normalizeFilter(value);
  }
  return out;
}

const TYPE_ALIASES: Record<number, string> = {
  1: 'double', 2: 'string', 3: 'object', 4: 'array', 5: 'binData', 6: 'undefined', 7: 'objectId', 8: 'bool', 9: 'date',
  10: 'null', 11: 'regex', 13: 'javascript', 16: 'int', 17: 'timestamp', 18: 'long', 19: 'decimal', [-1]: 'minKey', 127: 'maxKey',
};

/** MongoDB's `$type` alias of a stored value. */
export function bsonTypeAlias(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const tag = (v as { _bsontype?: string })._bsontype;
  switch (tag) {
    case 'Double': return 'double';
    case 'Int32': return 'int';
    case 'Long': return 'long';
    case 'Decimal128': return 'decimal';
    case 'ObjectId': return 'objectId';
    case 'Binary': return 'binData';
    case 'Timestamp': return 'timestamp';
    case 'MinKey': return 'minKey';
    case 'MaxKey': return 'maxKey';
    case 'BSONRegExp': return 'regex';
    case 'Code': return 'javascript';
    default: return 'object';
  }
}

function typeMatches(v: unknown, wanted: unknown): boolean {
  const name = typeof wanted === 'number' ? TYPE_ALIASES[wanted] : String(wanted);
  const actual = bsonTypeAlias(v);
  if (name === 'number') return actual === 'int' || actual === 'long' || actual === 'double' || actual === 'decimal';
  return actual === name;
}

/** Every value a query path reaches (MongoDB semantics: arrays and their elements). */
export function valuesAtPath(value: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  valuesAt(value, path.split('.'), 0, out);
  return out;
}

function valuesAt(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    if (Array.isArray(value)) for (const el of value) out.push(el);
    return;
  }
  if (Array.isArray(value)) {
    if (/^\d+$/.test(parts[i]!)) valuesAt(value[Number(parts[i])], parts, i + 1, out);
    for (const el of value) if (el && typeof el === 'object' && !Array.isArray(el)) valuesAt((el as Document)[parts[i]!], parts, i, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const next = (value as Document)[parts[i]!];
  if (next === undefined && !(parts[i]! in (value as Document))) return;
  valuesAt(next, parts, i + 1, out);
}

function isPlainDocument(v: unknown): v is Document {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** Field-order-sensitive equality to an embedded document (registered as `$eqOrdered`). */
export function $eqOrdered(selector: string, wanted: unknown): (obj: Document) => boolean {
  const key = encodeValue(wanted);
  return (obj) => valuesAtPath(obj, selector).some((v) => isPlainDocument(v) && encodeValue(v) === key);
}

/** `$type` on the original document's BSON types (registered as `$bsonType`). */
export function $bsonType(selector: string, wanted: unknown): (obj: Document) => boolean {
  const parts = selector.split('.');
  const wants = Array.isArray(wanted) ? wanted : [wanted];
  return (obj) => {
    const root = ((obj as Document & { [ORIGINAL]?: Document })[ORIGINAL] ?? obj) as Document;
    const values: unknown[] = [];
    valuesAt(root, parts, 0, values);
    return values.some((v) => wants.some((w) => typeMatches(v, w)));
  };
}
