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

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the whole thread group, in ticks. */
  ownTicks: number;
  /** cutime + cstime: CPU of children that exited and were reaped, in ticks. */
  reapedChildTicks: number;
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
    ownTicks: field(14) + field(15),
    reapedChildTicks: field(16) + field(17),
  };
}

function ticksToMicros(ticks: number): number {
  return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time (µs) used so far by one process and every child it has reaped. The embedded
 * server runs alone in its own child process, so this is its whole server CPU time.
 */
export function processCpuMicros(pid: number): number {
  const stat = readProcStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone; cannot read its CPU time`);
  return ticksToMicros(stat.ownTicks + stat.reapedChildTicks);
}

/**
 * CPU time (µs) used so far by a process tree one level deep: the root (PostgreSQL's
 * postmaster), its live children (backends, WAL writer, checkpointer…) and, through the
 * root's cutime, children that already exited — so a backend that disconnects between two
 * samples is still counted once.
 */
export function processTreeCpuMicros(rootPid: number): number {
  const root = readProcStat(rootPid);
  if (!root) throw new Error(`process ${rootPid} is gone; cannot read its CPU time`);
  let ticks = root.ownTicks + root.reapedChildTicks;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === rootPid) continue;
    const stat = readProcStat(pid);
    if (stat?.ppid === rootPid) ticks += stat.ownTicks;
  }
  return ticksToMicros(ticks);
}
