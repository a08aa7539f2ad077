import type { Document } from 'bson';
import { MongoCommandError } from '../errors.js';

/** Fields every command may carry (session, transaction, concerns, routing, API version). */
const GENERIC_FIELDS = new Set([
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', '$readPreference', 'readConcern',
  'writeConcern', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', '$audit', '$client',
  'mayBypassWriteBlocking', 'recoveryToken', '$configServerState', '$configTime', '$topologyTime', '$queryOptions',
]);

/** The fields MongoDB's IDL accepts for the commands clients build by hand most often. */
const COMMAND_FIELDS: Record<string, string[]> = {
  find: ['filter', 'sort', 'projection', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'max', 'min', 'returnKey', 'showRecordId', 'tailable', 'oplogReplay', 'noCursorTimeout', 'awaitData', 'allowPartialResults', 'collation', 'allowDiskUse', 'let', 'readOnce', 'term', 'includeQueryStatsMetrics'],
  insert: ['documents', 'ordered', 'bypassDocumentValidation'],
  update: ['updates', 'ordered', 'bypassDocumentValidation', 'let'],
  delete: ['deletes', 'ordered', 'let'],
  findAndModify: ['query', 'sort', 'remove', 'update', 'new', 'fields', 'upsert', 'bypassDocumentValidation', 'arrayFilters', 'hint', 'collation', 'let'],
  aggregate: ['pipeline', 'explain', 'allowDiskUse', 'cursor', 'bypassDocumentValidation', 'collation', 'hint', 'let', 'fromMongos', 'needsMerge'],
  count: ['query', 'limit', 'skip', 'hint', 'collation', 'fields'],
  distinct: ['key', 'query', 'collation', 'hint'],
  getMore: ['collection', 'batchSize', 'term', 'lastKnownCommittedOpTime'],
};
COMMAND_FIELDS.findandmodify = COMMAND_FIELDS.findAndModify!;
const ALLOWED = new Map(Object.entries(COMMAND_FIELDS).map(([name, fields]) => [name, new Set(fields)]));

/** Error 40415 for a field the command does not know, worded like MongoDB. */
export function assertKnownFields(name: string, body: Document): void {
  const allowed = ALLOWED.get(name);
  if (!allowed) return;
  for (const field of Object.keys(body)) {
    if (field === name || GENERIC_FIELDS.has(field) || allowed.has(field)) continue;
    throw new MongoCommandError(40415, `BSON field '${name}.${field}' is an unknown field.`, { codeName: 'Location40415' });
  }
}
