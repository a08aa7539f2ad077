import { hostname } from 'node:os';
import { open, readFile, realpath, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './errno.js';
import { PersistenceError } from './persistence-error.js';

/** File in the data directory whose existence marks it as in use. */
export const LOCK_FILE_NAME = 'careloop.lock';

/** What the lock file records about its holder, so a stale lock can be told from a live one. */
interface LockOwner {
  pid: number;
  host: string;
  /** Kernel start time of the process (Linux `/proc/<pid>/stat` field 22), to detect pid reuse. */
  startTicks?: string;
  openedAt: string;
}

// Directories locked by this process: a second open here must fail too, and a lock file naming
// our own pid that is not in this set was left by an earlier process that had the same pid
// (common in containers, where the server is often pid 1 after every restart).
const heldHere = new Set<string>();

/**
 * Exclusive use of a data directory. Node has no flock, so the lock is a file created with
 * O_EXCL; a file left by a process that died (kill -9) is recognised by its pid no longer
 * running — or running with a different start time — and taken over.
 */
export class DirLock {
  private constructor(
    private readonly lockPath: string,
    private readonly key: string,
  ) {}

  /** Takes the lock on `dir` (which must exist) or fails with `data_dir_locked`. */
  static async acquire(dir: string): Promise<DirLock> {
    const key = await realpath(dir);
    const lockPath = join(key, LOCK_FILE_NAME);
    if (heldHere.has(key)) {
      throw lockedError(dir, lockPath, 'it is already open in this process');
    }
    heldHere.add(key);
    try {
      await createLockFile(dir, lockPath);
    } catch (error) {
      heldHere.delete(key);
      throw error;
    }
    return new DirLock(lockPath, key);
  }

  /** Gives the directory up; later opens, here or elsewhere, may take it. */
  async release(): Promise<void> {
    try {
      await unlink(this.lockPath);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    } finally {
      heldHere.delete(this.key);
    }
  }
}

async function createLockFile(dir: string, lockPath: string): Promise<void> {
  const startTicks = await processStartTicks(process.pid);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    ...(startTicks === undefined ? {} : { startTicks }),
    openedAt: new Date().toISOString(),
  };
  // Two attempts: the second follows the removal of a stale lock. Losing that race to another
  // process that removed it too is reported as locked, which is the truth by then.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const owner = await readOwner(lockPath);
    if (owner && (await isRunning(owner))) {
      throw lockedError(dir, lockPath, `process ${owner.pid} on ${owner.host} has held it since ${owner.openedAt}`);
    }
    try {
      await unlink(lockPath);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }
  throw lockedError(dir, lockPath, 'another process took it while a stale lock was being cleared');
}

/** Reads the holder; undefined when the file is gone or unreadable (a holder that died while writing it). */
async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    let text: string;
    try {
      text = await readFile(lockPath, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as Partial<LockOwner>;
      if (typeof parsed.pid === 'number') return parsed as LockOwner;
    } catch {
      // Empty or half-written: the holder may be between creating and writing it; look again.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

async function isRunning(owner: LockOwner): Promise<boolean> {
  // Our pid but not in heldHere: an earlier process with the same pid left it.
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (isErrno(error, 'ESRCH')) return false;
    if (!isErrno(error, 'EPERM')) throw error; // EPERM: alive, owned by another user
  }
  if (owner.startTicks === undefined) return true;
  const now = await processStartTicks(owner.pid);
  return now === undefined || now === owner.startTicks;
}

/** Start time of a process in clock ticks since boot, where `/proc` exists. */
async function processStartTicks(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; fields after it do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 overall; `fields` starts at field 3
  } catch {
    return undefined;
  }
}

function lockedError(dir: string, lockPath: string, why: string): PersistenceError {
  return new PersistenceError(
    'data_dir_locked',
    `the data directory ${dir} is in use: ${why}. Stop the other server or choose another data directory; ` +
      `if no server is using it, delete ${lockPath}.`,
  );
}
