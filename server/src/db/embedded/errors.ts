import type { Document } from 'bson';

/**
 * MongoDB's numeric error codes and their code names, for the errors the embedded server reports.
 * The driver and mongoose branch on these (11000 → duplicate key, 112 → retry the transaction),
 * so they must be exactly MongoDB's.
 */
export const ErrorCodes = {
  InternalError: 1,
  Unauthorized: 13,
  ConflictingOperationInProgress: 117,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  CannotCreateIndex: 67,
  InvalidIndexSpecificationOption: 197,
  IndexKeySpecsConflict: 86,
  NamespaceNotFound: 26,
  WriteConflict: 112,
  DocumentValidationFailure: 121,
  NotImplemented: 238,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  DuplicateKey: 11000,
  InvalidBSON: 22,
  BSONObjectTooLarge: 10334,
  InvalidPipelineOperator: 168,
} as const;

const codeNames = new Map<number, string>();
for (const [name, code] of Object.entries(ErrorCodes)) {
  // Every code is listed once, under MongoDB's codeName for it.
  if (!codeNames.has(code)) codeNames.set(code, name);
}

/** MongoDB's codeName for a numeric code ("Location<code>" for codes without a name, as MongoDB does). */
export function codeNameOf(code: number): string {
  return codeNames.get(code) ?? `Location${code}`;
}

/**
 * An error the embedded server reports to the client as `{ ok: 0, errmsg, code, codeName, ... }`.
 * `extra` carries MongoDB's additional fields (e.g. `keyPattern`/`keyValue` for E11000) so that
 * the driver and mongoose translate the error exactly as they do against MongoDB.
 */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];
  readonly extra: Document;

  constructor(code: number, message: string, options: { labels?: string[]; extra?: Document; codeName?: string } = {}) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = code;
    this.codeName = options.codeName ?? codeNameOf(code);
    this.errorLabels = options.labels ?? [];
    this.extra = options.extra ?? {};
  }

  /** The reply document for a failed command. */
  toReply(): Document {
    const reply: Document = { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
    if (this.errorLabels.length > 0) reply.errorLabels = this.errorLabels;
    return reply;
  }

  /** The entry for a `writeErrors` array (bulk writes report per-document errors this way). */
  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...(Object.keys(this.extra).length ? this.extra : {}) };
  }
}

/** A feature MongoDB has but the embedded server deliberately does not implement. */
export function notSupported(feature: string): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.NotImplemented,
    `${feature} is not supported by the embedded server; use a real MongoDB (set MONGODB_URI) for this feature`,
  );
}

/** E11000 exactly as MongoDB words it, with keyPattern and keyValue. */
export function duplicateKeyError(ns: string, indexName: string, keyPattern: Document, keyValue: Document): MongoCommandError {
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ');
  return new MongoCommandError(
    ErrorCodes.DuplicateKey,
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: { ${shown} }`,
    { extra: { keyPattern, keyValue } },
  );
}

/** WriteConflict with the label that makes `withTransaction` retry. */
export function writeConflictError(): MongoCommandError {
  return new MongoCommandError(
    ErrorCodes.WriteConflict,
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    { labels: ['TransientTransactionError'] },
  );
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (typeof v === 'object' && v !== null && '_bsontype' in v) {
    const t = (v as { _bsontype: string })._bsontype;
    if (t === 'ObjectId') return `ObjectId('${String(v)}')`;
    return String(v);
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
