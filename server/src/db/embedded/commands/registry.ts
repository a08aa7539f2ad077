import { Binary, Long, type Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import {
  buildInfoCommand,
  endSessionsCommand,
  getParameterCommand,
  helloCommand,
  infoCommand,
  pingCommand,
  serverStatusCommand,
  startSessionCommand,
} from './admin.js';
import { aggregateCommand } from './aggregate.js';
import type { CommandContext, CommandHandler, ServerState } from './context.js';
import {
  collModCommand,
  createCommand,
  createIndexesCommand,
  dropCommand,
  dropDatabaseCommand,
  dropIndexesCommand,
  listCollectionsCommand,
  listDatabasesCommand,
  listIndexesCommand,
  renameCollectionCommand,
} from './ddl.js';
import { assertKnownFields } from './command-fields.js';
import { explainCommand } from './explain.js';
import { findAndModifyCommand } from './find-and-modify.js';
import { countCommand, distinctCommand, findCommand, getMoreCommand, killCursorsCommand } from './read.js';
import { abortTransactionCommand, commitTransactionCommand } from './transactions.js';
import { deleteCommand, insertCommand, updateCommand } from './write.js';
import { sessionKeyOf } from '../txn/session-manager.js';

/** Every command the embedded server answers, by wire name. */
const COMMANDS: Record<string, CommandHandler> = {
  hello: helloCommand,
  isMaster: helloCommand,
  ismaster: helloCommand,
  ping: pingCommand,
  buildInfo: buildInfoCommand,
  buildinfo: buildInfoCommand,
  getParameter: getParameterCommand,
  serverStatus: serverStatusCommand,
  endSessions: endSessionsCommand,
  killSessions: endSessionsCommand,
  killAllSessions: endSessionsCommand,
  startSession: startSessionCommand,
  refreshSessions: pingCommand,
  connectionStatus: infoCommand,
  hostInfo: infoCommand,
  getCmdLineOpts: infoCommand,
  getLog: infoCommand,
  whatsmyuri: infoCommand,
  dbStats: infoCommand,
  insert: insertCommand,
  update: updateCommand,
  delete: deleteCommand,
  find: findCommand,
  getMore: getMoreCommand,
  killCursors: killCursorsCommand,
  findAndModify: findAndModifyCommand,
  findandmodify: findAndModifyCommand,
  aggregate: aggregateCommand,
  count: countCommand,
  distinct: distinctCommand,
  create: createCommand,
  drop: dropCommand,
  dropDatabase: dropDatabaseCommand,
  renameCollection: renameCollectionCommand,
  listCollections: listCollectionsCommand,
  listDatabases: listDatabasesCommand,
  createIndexes: createIndexesCommand,
  listIndexes: listIndexesCommand,
  dropIndexes: dropIndexesCommand,
  deleteIndexes: dropIndexesCommand,
  collMod: collModCommand,
  commitTransaction: commitTransactionCommand,
  abortTransaction: abortTransactionCommand,
  explain: explainCommand,
};

const RETRYABLE_WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
/** Commands a transaction may contain (MongoDB's list, less what we do not implement). */
const TRANSACTION_COMMANDS = new Set([
  'insert', 'update', 'delete', 'find', 'getMore', 'killCursors', 'findAndModify', 'findandmodify', 'aggregate', 'count',
  'distinct', 'commitTransaction', 'abortTransaction', 'create', 'createIndexes',
]);

/**
 * Runs one command: finds its handler, attaches it to its session's transaction, replays a
 * retried retryable write's reply, and turns every error into MongoDB's error reply.
 */
export async function dispatch(server: ServerState, body: Document, connectionId: number): Promise<Document> {
  const name = Object.keys(body)[0];
  if (!name) return new MongoCommandError(ErrorCodes.FailedToParse, 'empty command object').toReply();
  const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) {
    return new MongoCommandError(ErrorCodes.CommandNotFound, `no such command: '${name}'`).toReply();
  }
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  let txn = null;
  try {
    txn = server.sessions.transactionFor(body, name);
    if (txn && !TRANSACTION_COMMANDS.has(name)) {
      throw new MongoCommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot run '${name}' in a multi-document transaction.`);
    }
    const retryable = !txn && RETRYABLE_WRITES.has(name) && body.txnNumber !== undefined;
    if (retryable) {
      const previous = server.sessions.retriedWrite(body);
      if (previous) return previous;
    }
    assertKnownFields(name, body);
    const ctx: CommandContext = {
      server,
      db,
      body,
      name,
      txn,
      connectionId,
      // Computed on demand: hex-encoding the lsid on every command is measurable on point reads.
      get sessionKey() {
        return sessionKeyOf(body);
      },
    };
    if (!name.startsWith('hello') && !name.startsWith('isMaster') && name !== 'ismaster') server.opcounters.command++;
    const reply = await handler(ctx);
    if (WRITE_COMMANDS.has(name)) {
      server.clusterTime.tick();
      const wcError = unsatisfiableWriteConcern(body);
      if (wcError) reply.writeConcernError = wcError;
    }
    if (retryable) server.sessions.recordRetryableWrite(body, reply);
    return withClusterTime(server, reply);
  } catch (err) {
    if (txn && txn.state === 'active' && name !== 'commitTransaction') server.sessions.abort(txn);
    if (err instanceof MongoCommandError) return withClusterTime(server, err.toReply());
    return withClusterTime(server, {
      ok: 0,
      errmsg: `internal error in ${name}: ${(err as Error).message}`,
      code: ErrorCodes.InternalError,
      codeName: 'InternalError',
    });
  }
}

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'commitTransaction', 'aggregate']);

/** Replica-set members stamp every reply with the cluster time (drivers gossip it for causal consistency). */
function withClusterTime(server: ServerState, reply: Document): Document {
  const ts = server.clusterTime.current();
  reply.$clusterTime = { clusterTime: ts, signature: CLUSTER_TIME_SIGNATURE };
  reply.operationTime = ts;
  return reply;
}

const CLUSTER_TIME_SIGNATURE = { hash: new Binary(Buffer.alloc(20), 0), keyId: Long.fromNumber(0) };

/**
 * A write concern one member cannot satisfy (w > 1, or a tag set) is reported after writing,
 * as MongoDB does: the write stays, the reply carries writeConcernError 100.
 */
function unsatisfiableWriteConcern(body: Document): Document | null {
  const w = (body.writeConcern as Document | undefined)?.w;
  const impossible = (typeof w === 'number' && w > 1) || (w instanceof Long && w.toNumber() > 1) || (typeof w === 'string' && w !== 'majority');
  if (!impossible) return null;
  return { code: 100, codeName: 'UnsatisfiableWriteConcern', errmsg: 'Not enough data-bearing nodes', errInfo: { writeConcern: body.writeConcern } };
}
