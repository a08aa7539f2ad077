import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second; /proc/<pid>/stat counts CPU time in these. */
export const CLOCK_TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** CPU time split into user and kernel (system) time, in µs. */
export interface CpuTime {
  userUs: number;
  systemUs: number;
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime and stime of the whole thread group, in ticks. */
  user: number;
  system: number;
  /** cutime and cstime: CPU of children that exited and were reaped, in ticks. */
  childUser: number;
  childSystem: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses,
 * so fields are counted from the last ')'.
 */
function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // the process exited between listing and reading
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid,
    ppid: field(4),
    user: field(14),
    system: field(15),
    childUser: field(16),
    childSystem: field(17),
  };
}

function ticksToCpuTime(user: number, system: number): CpuTime {
  return { userUs: (user * 1e6) / CLOCK_TICKS_PER_SECOND, systemUs: (system * 1e6) / CLOCK_TICKS_PER_SECOND };
}

/**
 * CPU time used so far by one process and every child it has reaped. The embedded
 * server runs alone in its own child process, so this is its whole server CPU time.
 */
export function processCpu(pid: number): CpuTime {
  const stat = readProcStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone; cannot read its CPU time`);
  return ticksToCpuTime(stat.user + stat.childUser, stat.system + stat.childSystem);
}

/**
 * CPU time used so far by a process tree one level deep: the root (PostgreSQL's
 * postmaster), its live children (backends, WAL writer, checkpointer…) and, through the
 * root's cutime, children that already exited — so a backend that disconnects between two
 * samples is still counted once.
 */
export function processTreeCpu(rootPid: number): CpuTime {
  const root = readProcStat(rootPid);
  if (!root) throw new Error(`process ${rootPid} is gone; cannot read its CPU time`);
  let user = root.user + root.childUser;
  let system = root.system + root.childSystem;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === rootPid) continue;
    const stat = readProcStat(pid);
    if (stat?.ppid === rootPid) {
      user += stat.user;
      system += stat.system;
    }
  }
  return ticksToCpuTime(user, system);
}
