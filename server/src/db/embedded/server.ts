import net from 'node:net';
import type { Document } from 'bson';
import { dispatch } from './commands/registry.js';
import { ClusterClock, type ServerState } from './commands/context.js';
import { CursorRegistry } from './cursors.js';
import { Persistence } from './persistence/persistence.js';
import { Catalog } from './storage/catalog.js';
import { LockTable } from './txn/lock-table.js';
import { SessionManager } from './txn/session-manager.js';
import { sweepExpired } from './ttl-sweeper.js';
import { WireConnection } from './wire/connection.js';

/** Options of the embedded server. */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. Anything else has no authentication: the server warns. */
  host?: string;
  /** Data directory for the journal and snapshots; without one the server runs in memory. */
  dbPath?: string;
  /** How often the TTL sweeper runs (ms); MongoDB's is 60 s, ours defaults to 1 s. */
  ttlIntervalMs?: number;
  /** Where warnings go (default: stderr). */
  warn?: (message: string) => void;
}

/** A running embedded server. */
export interface EmbeddedMongo {
  /** A connection string for the driver and mongoose. */
  readonly uri: string;
  readonly port: number;
  readonly host: string;
  /** Stops accepting, closes connections, flushes and closes the journal. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded MongoDB wire-protocol server: replays the journal (when `dbPath` is set),
 * then listens. The driver, mongoose and agenda talk to it as to a one-member replica set.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const catalog = new Catalog();
  if (options.dbPath) {
    const persistence = await Persistence.open({ dir: options.dbPath }, (op) => catalog.apply(op));
    catalog.attach(persistence);
  }
  const locks = new LockTable();
  const sessions = new SessionManager(catalog, locks);
  const cursors = new CursorRegistry();
  const connections = new Set<WireConnection>();
  let nextConnectionId = 1;

  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    warn(`WARNING: the embedded MongoDB server is listening on ${host}:${port} WITHOUT AUTHENTICATION. Anyone who can reach this address can read and change every database. Bind to 127.0.0.1 unless you really mean it.`);
  }

  const state: ServerState = {
    catalog,
    cursors,
    sessions,
    locks,
    host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    port,
    startedAt: Date.now(),
    opcounters: { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 },
    clusterTime: new ClusterClock(),
    connections: { current: 0, totalCreated: 0 },
  };

  const run = (command: { body: Document }, connection: WireConnection) => dispatch(state, command.body, connection.id);
  server.on('connection', (socket) => {
    const connection = new WireConnection(socket, nextConnectionId++, run, (c) => {
      if (connections.delete(c)) state.connections.current--;
    });
    connections.add(connection);
    state.connections.current++;
    state.connections.totalCreated++;
  });

  const ttlTimer = setInterval(() => {
    const ops = sweepExpired(catalog, locks);
    if (ops.length > 0) void catalog.commit(ops, false).catch((err: Error) => warn(`TTL sweep could not be journaled: ${err.message}`));
  }, options.ttlIntervalMs ?? 1000);
  const maintenanceTimer = setInterval(() => {
    sessions.sweep();
    cursors.reap();
  }, 5000);
  ttlTimer.unref();
  maintenanceTimer.unref();

  let stopping: Promise<void> | null = null;
  return {
    uri: `mongodb://${state.host.includes(':') ? `[${state.host}]` : state.host}:${port}/?directConnection=true`,
    port,
    host,
    stop() {
      stopping ??= (async () => {
        clearInterval(ttlTimer);
        clearInterval(maintenanceTimer);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.close();
        await closed;
        await catalog.close();
      })();
      return stopping;
    },
  };
}
