import { randomBytes } from 'node:crypto';
import { MongoClient, MongoServerError, type Collection, type Db, type Document, type MongoClientOptions, type ObjectId } from 'mongodb';
import { afterAll, beforeAll, expect } from 'vitest';

/** A MongoDB the tests can talk to, and how to let go of it. */
export interface TestMongo {
  /** A connection string the official driver accepts. */
  uri: string;
  /** Stops the embedded server; a no-op for an external MongoDB. */
  stop(): Promise<void>;
}

/**
 * The external MongoDB the tests were pointed at (`MONGODB_URI`), if any.
 * Read once here so test files branch on one name, not on `process.env`.
 */
export const externalMongoUri: string | undefined = process.env.MONGODB_URI || undefined;

/**
 * True when the tests run against a real MongoDB. Tests of things only the embedded server
 * promises (fault injection, crash recovery, a one-second TTL sweep) skip themselves then.
 */
export const usingRealMongo: boolean = externalMongoUri !== undefined;

/**
 * The database the conformance tests run against: a real MongoDB when `MONGODB_URI` is set
 * (so the same tests prove what real MongoDB does), otherwise a fresh in-memory embedded server
 * on an ephemeral port (so the tests prove the embedded server does the same).
 */
export async function useTestMongo(): Promise<TestMongo> {
  if (externalMongoUri !== undefined) {
    return { uri: externalMongoUri, stop: async () => {} };
  }
  const { startEmbeddedMongo } = await import('../../server/src/db/embedded/index.js');
  const server = await startEmbeddedMongo({ port: 0 });
  return { uri: server.uri, stop: () => server.stop() };
}

/**
 * A database name no other test file (or earlier run) uses, so files can share one real
 * MongoDB in parallel. MongoDB allows at most 63 bytes and no `/\. "$`; this stays well inside.
 */
export function uniqueDbName(prefix: string): string {
  const safePrefix = prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24);
  return `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * The schema tests give collections whose `_id`s are numbers, strings or ObjectIds. The driver's
 * default `Document` schema infers an ObjectId `_id`, which would reject `{ _id: 1 }` at compile
 * time; the values themselves are asserted exactly at run time.
 */
// Fields are `any` because tests store arbitrary BSON and assert it with toEqual.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TestDocument = { _id?: number | string | ObjectId | Document; [field: string]: any };

/** What {@link useConformanceDb} hands a test file: read it inside tests and hooks, not at load time. */
export interface ConformanceDb {
  readonly mongo: TestMongo;
  readonly client: MongoClient;
  /** The file's own database, named by `uniqueDbName(prefix)`, dropped after the file's tests. */
  readonly db: Db;
  /** A collection no earlier call in this file returned (`${label}_1`, `${label}_2`, …), so tests never see each other's writes. */
  freshCollection<T extends Document = TestDocument>(label: string): Collection<T>;
}

/**
 * The set-up every conformance file shares: registers a `beforeAll` that starts (or points at) the
 * test MongoDB, connects a client with `clientOptions` and picks a fresh database, and an `afterAll`
 * that drops that database, closes the client and stops the server. Call it at the top of the file,
 * before the file's own hooks: vitest runs `beforeAll` hooks in the order they were registered
 * (`afterAll` in reverse), so a file's own `beforeAll` already sees the connected client.
 */
export function useConformanceDb(prefix: string, options: { clientOptions?: MongoClientOptions } = {}): ConformanceDb {
  let mongo: TestMongo | undefined;
  let client: MongoClient | undefined;
  let db: Db | undefined;
  let counter = 0;

  beforeAll(async () => {
    mongo = await useTestMongo();
    client = await MongoClient.connect(mongo.uri, options.clientOptions);
    db = client.db(uniqueDbName(prefix));
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
    await mongo?.stop();
  });

  function ready<T>(value: T | undefined, name: string): T {
    if (value === undefined) throw new Error(`useConformanceDb('${prefix}'): ${name} is read before its beforeAll hook ran`);
    return value;
  }

  return {
    get mongo() {
      return ready(mongo, 'mongo');
    },
    get client() {
      return ready(client, 'client');
    },
    get db() {
      return ready(db, 'db');
    },
    freshCollection<T extends Document = TestDocument>(label: string): Collection<T> {
      counter += 1;
      return ready(db, 'db').collection<T>(`${label}_${counter}`);
    },
  };
}

/**
 * The rejection of `promise`, which must be a MongoServerError (a resolved promise fails the
 * test, naming what came back instead).
 */
export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a server error, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(MongoServerError);
  return outcome.error as MongoServerError;
}
