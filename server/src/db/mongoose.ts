import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config.js';
import type { Logger } from '../logging/logger.js';

/** Result of a database round trip, for /healthz. */
export interface DatabaseHealth {
  ok: boolean;
  latencyMs: number;
}

/** The database as the app sees it. */
export interface Database {
  /** The mongoose connection models are registered on (no global mongoose connection). */
  connection: Connection;
  /** A `ping` round trip, bounded in time. */
  ping(timeoutMs?: number): Promise<DatabaseHealth>;
  /** Flushes and lets go: disconnects, then stops the embedded server if we started one. */
  stop(): Promise<void>;
}

/** Options of `connectMongoose`. */
export interface ConnectOptions {
  uri: string;
  dbName: string;
  /** How long to wait for a server before a query fails (default 5 s). */
  serverSelectionTimeoutMs?: number;
}

/**
 * Opens a mongoose connection of its own (never the global one, so tests and jobs can hold
 * several): a bounded server selection so a missing database fails fast instead of hanging
 * requests, no buffering of commands while disconnected, and indexes built explicitly by the
 * features rather than on first use.
 */
export async function connectMongoose(options: ConnectOptions): Promise<Connection> {
  const connection = mongoose.createConnection(options.uri, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5_000,
    maxPoolSize: 20,
    autoIndex: false,
    autoCreate: true,
    bufferCommands: false,
    retryWrites: true,
  });
  await connection.asPromise();
  return connection;
}

/** Pings the database, giving up after `timeoutMs`. */
export async function pingDatabase(connection: Connection, timeoutMs = 2_000): Promise<DatabaseHealth> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  // Ask the server rather than trusting `readyState`: mongoose flips it to "disconnected" on a
  // missed heartbeat even while the driver can still reach the server.
  if (!connection.db) return { ok: false, latencyMs: 0 };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.db.command({ ping: 1 }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: latency() };
  } catch {
    return { ok: false, latencyMs: latency() };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the database the config asks for: `MONGODB_URI` when set, otherwise the embedded
 * MongoDB server with its files in `${CARELOOP_DATA_DIR}/db` (created), on an ephemeral port.
 */
export async function startDatabase(config: Pick<Config, 'MONGODB_URI' | 'MONGODB_DB' | 'dataDir'>, logger: Logger): Promise<Database> {
  let uri = config.MONGODB_URI;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (uri === undefined) {
    const dbPath = path.join(config.dataDir, 'db');
    await mkdir(dbPath, { recursive: true });
    const { startEmbeddedMongo } = await import('./embedded/index.js');
    const embedded = await startEmbeddedMongo({ port: 0, dbPath, warn: (message) => logger.warn(message) });
    uri = embedded.uri;
    stopEmbedded = () => embedded.stop();
    logger.info({ dbPath, port: embedded.port }, 'embedded MongoDB started');
  }
  let connection: Connection;
  try {
    connection = await connectMongoose({ uri, dbName: config.MONGODB_DB });
  } catch (error) {
    await stopEmbedded?.();
    throw error;
  }
  logger.info({ db: config.MONGODB_DB, embedded: stopEmbedded !== undefined }, 'database connected');
  return {
    connection,
    ping: (timeoutMs) => pingDatabase(connection, timeoutMs),
    async stop() {
      await connection.close();
      await stopEmbedded?.();
    },
  };
}
