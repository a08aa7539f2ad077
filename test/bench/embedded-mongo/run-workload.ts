import type { CpuTime } from './process-cpu.js';

/** How much work one measured run does; whichever limit is hit first ends it. */
export interface WorkloadLimits {
  /** Concurrent clients, each issuing one operation at a time. */
  clients: number;
  /** Operations to measure, shared by all clients. */
  maxOps: number;
  /** Wall-clock cap for the measured part, so a slow system cannot stall the bench. */
  maxMs: number;
  /** Unmeasured operations first: connections open, JIT and caches warm. */
  warmupOps: number;
}

/** Figures for one workload on one system. */
export interface WorkloadFigures {
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Server CPU time per operation, from /proc; the fair comparison when client and server share the cores. */
  serverCpuUsPerOp: number;
  /** Share of that server CPU spent in the kernel (sockets, fsync, scheduling). */
  serverSystemShare: number;
  /** This process's CPU time per operation (driver + harness). */
  clientCpuUsPerOp: number;
}

/** One operation; `seq` is unique across clients so ids and keys can be derived from it. */
export type Operation = (seq: number, client: number) => Promise<void>;

/** Returns the server's cumulative CPU time. */
export type ServerCpuClock = () => CpuTime;

/**
 * Runs `op` from `clients` concurrent loops until `maxOps` or `maxMs`, timing each call
 * with hrtime and sampling server and client CPU around the measured part only.
 */
export async function runWorkload(
  limits: WorkloadLimits,
  op: Operation,
  serverCpu: ServerCpuClock,
): Promise<WorkloadFigures> {
  let seq = 0;
  if (limits.warmupOps > 0) {
    await runLoops(limits.clients, limits.warmupOps, process.hrtime.bigint() + WARMUP_CAP_NS, op, () => seq++);
  }

  const latencies = new Float64Array(limits.maxOps);
  let measured = 0;
  const serverBefore = serverCpu();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(limits.maxMs * 1e6));

  await runLoops(limits.clients, limits.maxOps, deadline, async (s, client) => {
    const t0 = process.hrtime.bigint();
    await op(s, client);
    latencies[measured++] = Number(process.hrtime.bigint() - t0) / 1e6;
  }, () => seq++);

  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = serverCpu();
  const serverUserUs = serverAfter.userUs - serverBefore.userUs;
  const serverSystemUs = serverAfter.systemUs - serverBefore.systemUs;
  const serverUs = serverUserUs + serverSystemUs;
  const sorted = latencies.subarray(0, measured).sort();
  return {
    ops: measured,
    elapsedMs,
    opsPerSec: measured / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    serverCpuUsPerOp: measured ? serverUs / measured : Number.NaN,
    serverSystemShare: serverUs > 0 ? serverSystemUs / serverUs : Number.NaN,
    clientCpuUsPerOp: measured ? (client.user + client.system) / measured : Number.NaN,
  };
}

/** Warm-up is bounded too, so a stalled system cannot hang the bench. */
const WARMUP_CAP_NS = 30_000_000_000n;

async function runLoops(
  clients: number,
  maxOps: number,
  deadline: bigint,
  op: Operation,
  nextSeq: () => number,
): Promise<void> {
  let issued = 0;
  let failed = false;
  const loop = async (client: number): Promise<void> => {
    try {
      while (!failed && issued < maxOps && process.hrtime.bigint() < deadline) {
        issued++;
        await op(nextSeq(), client);
      }
    } catch (error) {
      failed = true; // stop the other loops instead of leaving them running after we report
      throw error;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
