/**
 * Benchmark: the embedded MongoDB server side by side with PostgreSQL doing the same work in
 * the same run (absolute figures on shared 2-core machines move ±30%; ratios within one run
 * don't). Prints a table and the issue's targets; not part of `npm test`.
 *
 *   npm run bench:mongo -- [--quick] [--profile] [--only=mongo|pg] [--json]
 *
 * --quick    a tenth of the ops and time caps (smoke run)
 * --profile  sample the embedded server's CPU during each of its workloads and print where
 *            the time goes (the sampling costs some throughput)
 * --only     run one side only
 * --json     also print the results as JSON
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { formatProfileSummary, summariseProfile } from './embedded-mongo/cpu-profile-summary.js';
import { embeddedServerEntry, startEmbeddedMongoProcess } from './embedded-mongo/embedded-mongo-process.js';
import { mongoSystem } from './embedded-mongo/mongo-system.js';
import { ensurePostgresInstalled, startPostgresCluster } from './embedded-mongo/postgres-cluster.js';
import { postgresSystem } from './embedded-mongo/postgres-system.js';
import { CLOCK_TICKS_PER_SECOND, processCpu } from './embedded-mongo/process-cpu.js';
import {
  emptyResults,
  evaluateTargets,
  formatTable,
  formatTargets,
  type BenchResults,
  type SystemKey,
} from './embedded-mongo/report.js';
import type { SystemUnderTest } from './embedded-mongo/system-under-test.js';
import { HOT_SLOT_CHECK_TITLE, checkHotSlot, runOn, workloads } from './embedded-mongo/workloads.js';

/** The whole bench stops by itself within this, whatever the systems do. */
const WATCHDOG_MS = 10 * 60_000;

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Things to undo on the way out, newest first; each runs once even if exit comes from a signal. */
const cleanups: Array<() => Promise<void> | void> = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      log(`cleanup failed: ${message(error)}`);
    }
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (args.only && args.only !== 'mongo' && args.only !== 'pg') throw new Error('--only must be mongo or pg');
  const list = workloads(args.quick ? 0.1 : 1);
  const results = emptyResults(list, { cpus: cpus().length, node: process.version, clockTicksPerSecond: CLOCK_TICKS_PER_SECOND });
  const systems: Partial<Record<SystemKey, SystemUnderTest>> = {};
  let embedded: Awaited<ReturnType<typeof startEmbeddedMongoProcess>> | undefined;

  if (args.only !== 'mongo') {
    const binDir = ensurePostgresInstalled(log);
    if (binDir) {
      const cluster = await startPostgresCluster(binDir);
      cleanups.push(() => cluster.stop());
      log(`PostgreSQL ${cluster.version} on 127.0.0.1:${cluster.port} (fsync=on, synchronous_commit=on), postmaster pid ${cluster.postmasterPid}`);
      const system = postgresSystem(cluster);
      cleanups.push(() => system.close());
      systems.pg = system;
    }
  }
  if (args.only !== 'pg') {
    if (!embeddedServerEntry.exists()) log(`${embeddedServerEntry.path} does not exist yet; skipping the embedded side.`);
    else {
      const child = await startEmbeddedMongoProcess();
      embedded = child;
      cleanups.push(() => child.stop());
      log(`embedded server at ${child.uri}, pid ${child.pid}`);
      const system = mongoSystem({ label: 'embedded', uri: child.uri, serverCpu: () => processCpu(child.pid) });
      cleanups.push(() => system.close());
      systems.mongo = system;
    }
  }
  const active = (['pg', 'mongo'] as const).filter((key) => systems[key]);
  if (active.length === 0) throw new Error('neither PostgreSQL nor the embedded server is available; nothing to measure');

  for (const key of active) {
    const system = systems[key]!;
    results.labels[key] = system.label;
    const t0 = Date.now();
    await system.seed();
    log(`${system.label}: seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const profiles: string[] = [];
  for (const workload of list) {
    const entry = results.workloads.find((w) => w.id === workload.id)!;
    for (const key of active) {
      const system = systems[key]!;
      const profiling = key === 'mongo' && args.profile && embedded;
      try {
        if (profiling) await embedded!.startProfile();
        const figures = await runOn(system, workload);
        entry.outcomes[key] = { figures };
        log(`${workload.id.padEnd(16)} ${system.label.padEnd(16)} ${Math.round(figures.opsPerSec).toString().padStart(7)} ops/s  p99 ${figures.p99Ms.toFixed(2)} ms  srv ${figures.serverCpuUsPerOp.toFixed(1)} µs/op`);
        if (profiling) profiles.push(formatProfileSummary(`${workload.id} (${workload.title})`, summariseProfile(await embedded!.stopProfile(), 15), figures.ops));
      } catch (error) {
        entry.outcomes[key] = { error: message(error) };
        log(`${workload.id} on ${system.label} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
        if (profiling) await embedded!.stopProfile().catch(() => undefined);
      }
    }
  }

  for (const key of active) {
    try {
      results.hotSlotCheck[key] = await checkHotSlot(systems[key]!);
    } catch (error) {
      results.hotSlotCheck[key] = { error: message(error) };
    }
  }

  print(results, list.filter((w) => w.indexedRead).map((w) => w.id), args.quick ?? false);
  if (profiles.length) {
    console.log('\n## Where the embedded server spends its time (V8 sampling profile of its main thread, per workload; self time)');
    console.log('Native frames (writeBuffer = socket write syscall, fdatasync…) include kernel time and time spent descheduled;');
    console.log('the profiler slows the server, so read shares, not absolute times.\n');
    console.log(profiles.join('\n\n'));
  }
  if (args.json) console.log(`\n${JSON.stringify(results, null, 2)}`);
}

function print(results: BenchResults, indexedReads: Parameters<typeof evaluateTargets>[1], quick: boolean): void {
  console.log(`\n# Embedded MongoDB server vs PostgreSQL — ${results.startedAt}`);
  console.log(`${results.machine.cpus} CPUs, Node ${results.machine.node}; server CPU from /proc at ${results.machine.clockTicksPerSecond} ticks/s; PostgreSQL driven with pg and named prepared statements${quick ? '; QUICK run (a tenth of the ops)' : ''}\n`);
  console.log(formatTable(results));
  console.log(`\n${HOT_SLOT_CHECK_TITLE}:`);
  for (const [key, check] of Object.entries(results.hotSlotCheck)) {
    const label = results.labels[key as SystemKey] ?? key;
    console.log(`  ${label}: ${'error' in check ? `FAILED: ${check.error}` : `${check.ok ? 'OK' : 'FAIL'} — ${check.successes} succeeded, ${check.remaining} left`}`);
  }
  console.log('\n## Targets\n');
  console.log(formatTargets(evaluateTargets(results, indexedReads)));
}

const watchdog = setTimeout(() => {
  log(`bench did not finish within ${WATCHDOG_MS / 60_000} minutes; stopping.`);
  void cleanUp().finally(() => process.exit(2));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(cleanUp, async (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    await cleanUp();
    process.exitCode = 1;
  })
  .finally(() => clearTimeout(watchdog));
