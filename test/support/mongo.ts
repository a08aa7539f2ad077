import { randomBytes } from 'node:crypto';
import type { Document, ObjectId } from 'mongodb';

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
