import { Long, ObjectId, UUID, type Document } from 'bson';
import { hostname } from 'node:os';
import { Limits } from '../wire/messages.js';
import type { CommandContext } from './context.js';
import { sessionKeyOf } from '../txn/session-manager.js';

/** The MongoDB version we behave as (drivers and mongoose pick features by it). */
export const EMULATED_VERSION = '7.0.0';
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');
const REPLICA_SET = 'rs0';

/** Identifies this server process's topology; it never changes while the process runs. */
const TOPOLOGY_VERSION = { processId: new ObjectId(), counter: Long.fromNumber(0) };

/**
 * hello / isMaster: a single-member replica set primary, so the driver enables sessions,
 * retryable writes and transactions. An awaitable hello (the driver's streaming monitor sends
 * its topologyVersion and maxAwaitTimeMS) is answered after maxAwaitTimeMS, since our topology
 * never changes — exactly what MongoDB does when nothing happens.
 */
export async function helloCommand(ctx: CommandContext): Promise<Document> {
  const maxAwait = ctx.body.maxAwaitTimeMS;
  if (ctx.body.topologyVersion !== undefined && typeof maxAwait === 'number' && maxAwait > 0) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(maxAwait, 60_000)).unref());
  }
  const me = `${ctx.server.host}:${ctx.server.port}`;
  const reply: Document = {};
  if (ctx.name === 'hello') reply.isWritablePrimary = true;
  else reply.ismaster = true;
  Object.assign(reply, {
    helloOk: true,
    topologyVersion: TOPOLOGY_VERSION,
    hosts: [me],
    setName: REPLICA_SET,
    setVersion: 1,
    primary: me,
    me,
    electionId: ELECTION_ID,
    lastWrite: { opTime: { ts: new Long(0, Math.floor(Date.now() / 1000)), t: Long.fromNumber(1) }, lastWriteDate: new Date() },
    secondary: false,
    maxBsonObjectSize: Limits.maxBsonObjectSize,
    maxMessageSizeBytes: Limits.maxMessageSizeBytes,
    maxWriteBatchSize: Limits.maxWriteBatchSize,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  });
  return reply;
}

/** ping. */
export function pingCommand(): Document {
  return { ok: 1 };
}

/** buildInfo: what mongosh and drivers read to learn the server version. */
export function buildInfoCommand(): Document {
  return {
    version: EMULATED_VERSION,
    gitVersion: 'careloop-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: Limits.maxBsonObjectSize,
    storageEngines: ['careloop-embedded'],
    javascriptEngine: 'none',
    modules: [],
    openssl: { running: 'disabled' },
    ok: 1,
  };
}

/** getParameter: the handful of parameters clients ask for. */
export function getParameterCommand(ctx: CommandContext): Document {
  const all: Document = {
    featureCompatibilityVersion: { version: '7.0' },
    transactionLifetimeLimitSeconds: 60,
    maxTransactionLockRequestTimeoutMillis: 5,
    authenticationMechanisms: [],
  };
  if (ctx.body.getParameter === '*') return { ...all, ok: 1 };
  const reply: Document = {};
  for (const key of Object.keys(ctx.body)) if (key in all) reply[key] = all[key];
  reply.ok = 1;
  return reply;
}

/** serverStatus: uptime, connections, opcounters, memory. */
export function serverStatusCommand(ctx: CommandContext): Document {
  const mem = process.memoryUsage();
  const uptimeMillis = Date.now() - ctx.server.startedAt;
  return {
    host: `${hostname()}:${ctx.server.port}`,
    version: EMULATED_VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
    localTime: new Date(),
    connections: { current: ctx.server.connections.current, available: 1_000_000, totalCreated: ctx.server.connections.totalCreated },
    opcounters: { ...ctx.server.opcounters },
    mem: { bits: 64, resident: Math.round(mem.rss / 1048576), virtual: Math.round(mem.rss / 1048576), supported: true },
    metrics: { cursor: { open: { total: ctx.server.cursors.size } } },
    logicalSessionRecordCache: { activeSessionsCount: ctx.server.sessions.size },
    storageEngine: { name: 'careloop-embedded', supportsCommittedReads: true, persistent: true },
    ok: 1,
  };
}

/** endSessions / killSessions / killAllSessions: abort their transactions, close their cursors. */
export function endSessionsCommand(ctx: CommandContext): Document {
  const list = ctx.body[ctx.name];
  const keys: string[] = [];
  if (Array.isArray(list)) {
    for (const lsid of list as Document[]) {
      const key = sessionKeyOf({ lsid });
      if (key) keys.push(key);
    }
  }
  ctx.server.sessions.end(keys);
  for (const key of keys) ctx.server.cursors.killSession(key);
  return { ok: 1 };
}

/** startSession (mongosh uses it). */
export function startSessionCommand(): Document {
  return { id: { id: new UUID().toBinary() }, timeoutMinutes: 30, ok: 1 };
}

/** Small informational commands mongosh and Compass call on connect. */
export function infoCommand(ctx: CommandContext): Document {
  switch (ctx.name) {
    case 'connectionStatus':
      return { authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 };
    case 'hostInfo':
      return { system: { hostname: hostname(), currentTime: new Date() }, os: { type: process.platform }, extra: {}, ok: 1 };
    case 'getCmdLineOpts':
      return { argv: process.argv, parsed: {}, ok: 1 };
    case 'getLog':
      return { totalLinesWritten: 0, log: [], ok: 1 };
    case 'whatsmyuri':
      return { you: '127.0.0.1:0', ok: 1 };
    case 'dbStats': {
      const colls = ctx.server.catalog.collections(ctx.db);
      const objects = colls.reduce((n, c) => n + c.docs.size, 0);
      return { db: ctx.db, collections: colls.length, views: 0, objects, indexes: colls.reduce((n, c) => n + c.indexes.length + 1, 0), ok: 1 };
    }
    default:
      return { ok: 1 };
  }
}
