/**
 * The BSON type of a deserialized value. Stored documents come from `bson.deserialize` with
 * `promoteLongs: false`, so a JS number is an Int32 or a Double (we cannot tell which), 64-bit
 * integers are `Long`, and the other BSON types are the `bson` classes, recognised by `_bsontype`.
 */
export type BsonKind =
  | 'minKey'
  | 'undefined'
  | 'null'
  | 'number'
  | 'long'
  | 'decimal'
  | 'string'
  | 'symbol'
  | 'object'
  | 'array'
  | 'binData'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'timestamp'
  | 'regex'
  | 'dbPointer'
  | 'javascript'
  | 'maxKey';

/** The `_bsontype` tag the `bson` classes carry, if `v` is one of them. */
export function bsonTypeTag(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** Classifies a value by BSON type; drives comparison order, arithmetic and error wording. */
export function bsonKind(v: unknown): BsonKind {
  switch (typeof v) {
    case 'number':
      return 'number';
    case 'bigint':
      // A bigint only appears if someone deserialized with useBigInt64; it is an int64.
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'javascript';
    case 'symbol':
      return 'symbol';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (v instanceof Uint8Array) return 'binData';
  switch (bsonTypeTag(v)) {
    case undefined:
      return 'object';
    case 'Long':
      return 'long';
    case 'Double':
    case 'Int32':
      return 'number';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONRegExp':
      return 'regex';
    case 'BSONSymbol':
      return 'symbol';
    case 'Code':
      return 'javascript';
    case 'DBPointer':
      return 'dbPointer';
    case 'DBRef':
      // A DBRef is stored as the embedded document {$ref, $id, $db}.
      return 'object';
    default:
      return 'object';
  }
}

/** True for a plain embedded document (not an array, not a `bson` value class, not a Date). */
export function isDocument(v: unknown): v is Record<string, unknown> {
  return bsonKind(v) === 'object' && bsonTypeTag(v) === undefined;
}

/** True for the numeric BSON types that $inc, $mul and $bit accept. */
export function isNumeric(v: unknown): boolean {
  const k = bsonKind(v);
  return k === 'number' || k === 'long' || k === 'decimal';
}

/**
 * MongoDB's type name as it appears in error messages ("int", "double", "string", ...). A JS
 * number is reported as "int" when it is an integer in Int32 range, because that is how the
 * `bson` serializer writes it back.
 */
export function bsonTypeName(v: unknown): string {
  const k = bsonKind(v);
  if (k === 'number') {
    const n = Number(v);
    return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? 'int' : 'double';
  }
  return k;
}
