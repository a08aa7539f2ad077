import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { usingRealMongo, type TestDocument } from '../support/mongo.js';
import { crashDoc } from './fixtures/crash-doc.js';

// An acknowledged write is a promise: after `kill -9` and a restart on the same data directory,
// every acknowledged document must be there, whole. Only the embedded server can be killed here.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const TOTAL = 500;
const KILL_AFTER = 300;

const cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** Runs the writer until it has printed `killAfter` acknowledgements, then SIGKILLs it. */
async function writeThenKill(dbPath: string, killAfter: number): Promise<{ acked: number[]; stderr: string; signal: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath, String(TOTAL)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^ack (\d+)$/.exec(line);
      if (match) acked.push(Number(match[1]));
      if (acked.length >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    }
  });
  const signal = await new Promise<string | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  return { acked, stderr, signal };
}

describe.skipIf(usingRealMongo)('crash safety (embedded server only)', () => {
  it(
    'after SIGKILL mid-stream, a restart on the same dbPath has every acknowledged document intact',
    async () => {
      const dbPath = await mkdtemp(join(tmpdir(), 'careloop-crash-'));
      cleanup.push(() => rm(dbPath, { recursive: true, force: true }));

      const { acked, stderr, signal } = await writeThenKill(dbPath, KILL_AFTER);
      expect(signal, `writer exited on its own; stderr:\n${stderr}`).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(acked).toEqual(Array.from({ length: acked.length }, (_, i) => i));

      const { startEmbeddedMongo } = await import('../../server/src/db/embedded/index.js');
      const server = await startEmbeddedMongo({ port: 0, dbPath });
      cleanup.push(() => server.stop());
      const client = await MongoClient.connect(server.uri);
      cleanup.push(() => client.close());

      const stored = await client.db('crash').collection<TestDocument>('acks').find().sort({ _id: 1 }).toArray();
      // Every acknowledged document is present and exactly as written.
      const storedById = new Map(stored.map((doc) => [doc._id as number, doc]));
      const missingOrWrong = acked.filter((i) => JSON.stringify(storedById.get(i)) !== JSON.stringify(crashDoc(i)));
      expect(missingOrWrong).toEqual([]);
      // Anything beyond the acknowledgements (written but not yet acknowledged when killed) is
      // whole too, and the writes form an unbroken prefix: sequential writes cannot have holes.
      expect(stored).toEqual(stored.map((doc) => crashDoc(doc._id as number)));
      expect(stored.map((doc) => doc._id)).toEqual(Array.from({ length: stored.length }, (_, i) => i));

      // The recovered server accepts writes again.
      await client.db('crash').collection<TestDocument>('acks').insertOne(crashDoc(TOTAL + 1));
      expect(await client.db('crash').collection<TestDocument>('acks').countDocuments()).toBe(stored.length + 1);
    },
    90_000,
  );
});
