import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A running throwaway PostgreSQL cluster on 127.0.0.1 that this bench owns. */
export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  database: string;
  version: string;
  /** Parent of every backend; its process tree is PostgreSQL's server CPU. */
  postmasterPid: number;
  /** Stops the server and deletes its files; safe to call twice. */
  stop(): void;
}

const PREFERRED_MAJOR = '15';

/** The newest installed PostgreSQL bin dir that has initdb (15 preferred), if any. */
export function findPostgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((major) => existsSync(join(root, major, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  const major = majors.includes(PREFERRED_MAJOR) ? PREFERRED_MAJOR : majors[0];
  return major ? join(root, major, 'bin') : undefined;
}

/**
 * Finds PostgreSQL, installing Debian's `postgresql` package when running as root. Returns
 * undefined (after saying what to install) when it is missing and cannot be installed.
 */
export function ensurePostgresInstalled(log: (line: string) => void): string | undefined {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    log('PostgreSQL is not installed and this is not root: run `apt-get install -y postgresql` to compare against it.');
    return undefined;
  }
  log('Installing PostgreSQL (apt-get install -y postgresql)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) {
      log(`apt-get ${args.join(' ')} failed (exit ${result.status}); skipping the PostgreSQL side.`);
      return undefined;
    }
  }
  return findPostgresBinDir();
}

/**
 * initdb + pg_ctl start of a fresh cluster in a temp dir, durable (fsync and synchronous
 * commit on) so durable-write figures compare like with like. PostgreSQL refuses to run as
 * root, so as root the cluster belongs to the `postgres` user.
 */
export async function startPostgresCluster(binDir: string): Promise<PostgresCluster> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'careloop-bench-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]): void => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, program), ...args]]
      : [join(binDir, program), args];
    const result = spawnSync(cmd, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) {
      const logTail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}\n${logTail}`);
    }
  };

  let started = false;
  const stop = (): void => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
      } catch {
        try {
          run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // already gone; nothing else to stop
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const user = 'bench';
    // --no-sync only skips initdb's own final fsync; the running server is fully durable.
    run('initdb', ['-D', dataDir, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const serverOptions = [
      `-k ${dir}`,
      '-h 127.0.0.1',
      `-p ${port}`,
      '-c fsync=on',
      '-c synchronous_commit=on',
      '-c max_connections=150',
    ].join(' ');
    run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
    started = true;
    const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const version = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
    return { host: '127.0.0.1', port, user, database: 'postgres', version, postmasterPid, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
