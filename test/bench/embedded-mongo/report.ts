import type { WorkloadFigures } from './run-workload.js';
import type { HotSlotCheck, Workload, WorkloadId } from './workloads.js';

/** The two systems, in the order the table shows them. */
export type SystemKey = 'mongo' | 'pg';

/** What one workload did on one system: its figures, or why it failed. */
export type Outcome = { figures: WorkloadFigures } | { error: string };

/** Everything one run measured; also what `--json` prints. */
export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; node: string; clockTicksPerSecond: number };
  labels: Partial<Record<SystemKey, string>>;
  workloads: Array<{ id: WorkloadId; title: string; clients: number; outcomes: Partial<Record<SystemKey, Outcome>> }>;
  hotSlotCheck: Partial<Record<SystemKey, HotSlotCheck | { error: string }>>;
}

/** Seeds the results with one entry per workload, to be filled in as they run. */
export function emptyResults(list: Workload[], machine: BenchResults['machine']): BenchResults {
  return {
    startedAt: new Date().toISOString(),
    machine,
    labels: {},
    workloads: list.map((w) => ({ id: w.id, title: w.title, clients: w.limits.clients, outcomes: {} })),
    hotSlotCheck: {},
  };
}

const SYSTEMS: SystemKey[] = ['mongo', 'pg'];

function figuresOf(results: BenchResults, id: WorkloadId, system: SystemKey): WorkloadFigures | undefined {
  const outcome = results.workloads.find((w) => w.id === id)?.outcomes[system];
  return outcome && 'figures' in outcome ? outcome.figures : undefined;
}

const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'),
  ms: (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(3) : n.toFixed(1)) : '-'),
  us: (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-'),
  pct: (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : '-'),
  ratio: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '-'),
};

/** The side-by-side table: one row per workload and system, ratios on the embedded server's row. */
export function formatTable(results: BenchResults): string {
  const header = ['workload', 'system', 'ops', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'srv CPU µs/op', 'srv sys %', 'cli CPU µs/op', 'ops/s vs PG', 'srv CPU vs PG'];
  const rows: string[][] = [];
  for (const workload of results.workloads) {
    for (const system of SYSTEMS) {
      const outcome = workload.outcomes[system];
      if (!outcome) continue;
      const name = results.labels[system] ?? system;
      if ('error' in outcome) {
        rows.push([workload.id, name, `FAILED: ${outcome.error.split('\n')[0]!.slice(0, 120)}`]);
        continue;
      }
      const f = outcome.figures;
      const pg = system === 'mongo' ? figuresOf(results, workload.id, 'pg') : undefined;
      rows.push([
        workload.id,
        name,
        fmt.int(f.ops),
        fmt.int(f.opsPerSec),
        fmt.ms(f.p50Ms),
        fmt.ms(f.p95Ms),
        fmt.ms(f.p99Ms),
        fmt.us(f.serverCpuUsPerOp),
        fmt.pct(f.serverSystemShare),
        fmt.us(f.clientCpuUsPerOp),
        pg ? fmt.ratio(f.opsPerSec / pg.opsPerSec) : '',
        pg ? fmt.ratio(f.serverCpuUsPerOp / pg.serverCpuUsPerOp) : '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 3).map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.length <= 3
      ? `${cells[0]!.padEnd(widths[0]!)} | ${cells[1]!.padEnd(widths[1]!)} | ${cells[2]}`
      : cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  const titles = results.workloads.map((w) => `  ${w.id.padEnd(widths[0]!)}  ${w.title}`).join('\n');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line), '', titles].join('\n');
}

/** One target from the issue, evaluated. */
export interface TargetVerdict {
  target: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
  detail: string;
}

/** Evaluates the targets against this run's figures. */
export function evaluateTargets(results: BenchResults, indexedReads: WorkloadId[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const both = (id: WorkloadId) => {
    const mongo = figuresOf(results, id, 'mongo');
    const pg = figuresOf(results, id, 'pg');
    return mongo && pg ? { mongo, pg } : undefined;
  };
  const na = (target: string, why = 'needs figures from both systems'): TargetVerdict => ({ target, verdict: 'n/a', detail: why });

  for (const id of indexedReads) {
    const target = `server CPU per indexed read ≤ 1.5× PG (aim 1.0×): ${id}`;
    const pair = both(id);
    if (!pair) {
      verdicts.push(na(target));
      continue;
    }
    const ratio = pair.mongo.serverCpuUsPerOp / pair.pg.serverCpuUsPerOp;
    verdicts.push({
      target,
      verdict: ratio <= 1.5 ? 'PASS' : 'MISS',
      detail: `${fmt.us(pair.mongo.serverCpuUsPerOp)} vs ${fmt.us(pair.pg.serverCpuUsPerOp)} µs/op = ${fmt.ratio(ratio)}${ratio <= 1 ? ' (aim met)' : ''}`,
    });
  }

  {
    const target = 'hot-slot durable decrement: ops/s ≥ PG and p99 < PG';
    const pair = both('hot-slot-50');
    if (!pair) verdicts.push(na(target));
    else {
      const faster = pair.mongo.opsPerSec >= pair.pg.opsPerSec;
      const steadier = pair.mongo.p99Ms < pair.pg.p99Ms;
      verdicts.push({
        target,
        verdict: faster && steadier ? 'PASS' : 'MISS',
        detail: `${fmt.int(pair.mongo.opsPerSec)} vs ${fmt.int(pair.pg.opsPerSec)} ops/s (${fmt.ratio(pair.mongo.opsPerSec / pair.pg.opsPerSec)}); p99 ${fmt.ms(pair.mongo.p99Ms)} vs ${fmt.ms(pair.pg.p99Ms)} ms`,
      });
    }
  }

  for (const system of SYSTEMS) {
    const check = results.hotSlotCheck[system];
    const target = `hot-slot correctness (exactly 20 of 500 succeed, 0 left): ${results.labels[system] ?? system}`;
    if (!check) continue;
    if ('error' in check) verdicts.push({ target, verdict: 'MISS', detail: `FAILED: ${check.error.split('\n')[0]}` });
    else
      verdicts.push({
        target,
        verdict: check.ok ? 'PASS' : 'MISS',
        detail: `${check.ok ? 'OK' : 'FAIL'}: ${check.successes} succeeded, ${check.remaining} left`,
      });
  }

  {
    const target = 'durable inserts at 16 clients ≥ 0.5× PG ops/s (group commit)';
    const pair = both('insert-16');
    if (!pair) verdicts.push(na(target));
    else {
      const ratio = pair.mongo.opsPerSec / pair.pg.opsPerSec;
      verdicts.push({
        target,
        verdict: ratio >= 0.5 ? 'PASS' : 'MISS',
        detail: `${fmt.int(pair.mongo.opsPerSec)} vs ${fmt.int(pair.pg.opsPerSec)} ops/s = ${fmt.ratio(ratio)}`,
      });
    }
  }

  {
    const target = 'embedded indexed reads at 100k rows no more than 2× slower than at 1k';
    const small = figuresOf(results, 'email-read-1k', 'mongo');
    const big = figuresOf(results, 'email-read-100k', 'mongo');
    if (!small || !big) verdicts.push(na(target, 'needs both unique-index read figures from the embedded server'));
    else {
      const slowdown = small.opsPerSec / big.opsPerSec;
      const p50 = big.p50Ms / small.p50Ms;
      verdicts.push({
        target,
        verdict: slowdown <= 2 ? 'PASS' : 'MISS',
        detail: `${fmt.int(small.opsPerSec)} → ${fmt.int(big.opsPerSec)} ops/s = ${fmt.ratio(slowdown)} slower (p50 ${fmt.ms(small.p50Ms)} → ${fmt.ms(big.p50Ms)} ms, ${fmt.ratio(p50)})`,
      });
    }
  }
  return verdicts;
}

/** The targets section, one line per target. */
export function formatTargets(verdicts: TargetVerdict[]): string {
  const width = Math.max(...verdicts.map((v) => v.target.length));
  return verdicts.map((v) => `${v.verdict.padEnd(4)}  ${v.target.padEnd(width)}  ${v.detail}`).join('\n');
}
