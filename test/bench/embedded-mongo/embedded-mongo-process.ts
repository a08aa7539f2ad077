import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from './cpu-profile-summary.js';

const SERVER_MAIN = fileURLToPath(new URL('./server-main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EMBEDDED_ENTRY = fileURLToPath(new URL('../../../server/src/db/embedded/index.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

/** The embedded server running in its own process, so its CPU time can be read apart from ours. */
export interface EmbeddedMongoProcess {
  uri: string;
  pid: number;
  /** Starts sampling the server's CPU (V8 profiler inside the child). */
  startProfile(): Promise<void>;
  /** Stops sampling and returns the profile since `startProfile`. */
  stopProfile(): Promise<CpuProfile>;
  /** Stops the server, then deletes its dbPath; safe to call twice. */
  stop(): Promise<void>;
}

/** Where the other engineer's server entry point lives, and whether it exists yet. */
export const embeddedServerEntry = { path: EMBEDDED_ENTRY, exists: () => existsSync(EMBEDDED_ENTRY) };

/** Spawns `node --import tsx server-main.ts <tmp dbPath>` and waits for its `{ uri, pid }` line. */
export async function startEmbeddedMongoProcess(): Promise<EmbeddedMongoProcess> {
  const scratch = mkdtempSync(join(tmpdir(), 'careloop-bench-mongo-'));
  const dbPath = join(scratch, 'db');
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN, dbPath], {
    cwd: REPO_ROOT, // so `--import tsx` resolves from the root node_modules
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    const lines = lineReader(child);
    const started = JSON.parse(await lines.next(START_TIMEOUT_MS, 'start')) as { uri?: unknown; pid?: unknown };
    if (typeof started.uri !== 'string' || typeof started.pid !== 'number') {
      throw new Error(`embedded server printed an unexpected start line: ${JSON.stringify(started)}`);
    }
    const command = async (cmd: Record<string, string>): Promise<void> => {
      child.stdin!.write(`${JSON.stringify(cmd)}\n`);
      const reply = JSON.parse(await lines.next(COMMAND_TIMEOUT_MS, cmd.cmd!)) as { reply?: string; error?: string };
      if (reply.reply !== cmd.cmd) throw new Error(`embedded server child: ${cmd.cmd} failed: ${reply.error ?? JSON.stringify(reply)}`);
    };
    let profiles = 0;
    return {
      uri: started.uri,
      pid: started.pid,
      startProfile: () => command({ cmd: 'profile-start' }),
      stopProfile: async () => {
        const path = join(scratch, `profile-${profiles++}.cpuprofile`);
        await command({ cmd: 'profile-stop', path });
        const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
        rmSync(path, { force: true });
        return profile;
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Reads the child's stdout line by line; anything that is not JSON is the server talking, so it goes to stderr. */
function lineReader(child: ChildProcess): { next(timeoutMs: number, what: string): Promise<string> } {
  const queued: string[] = [];
  let waiting: { resolve(line: string): void; reject(error: Error): void } | undefined;
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) {
      process.stderr.write(`[embedded] ${line}\n`);
      return;
    }
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(line);
    } else queued.push(line);
  });
  child.once('exit', (code, signal) => {
    exited = new Error(`embedded server process exited (code ${code}, signal ${signal})`);
    waiting?.reject(exited);
    waiting = undefined;
  });
  return {
    next(timeoutMs, what) {
      const line = queued.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new Error(`embedded server child gave no ${what} reply within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting = {
          resolve: (l) => (clearTimeout(timer), resolve(l)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
      });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
