import { expectedGroups, mix32 } from './patient-rows.js';
import { runWorkload, type Operation, type WorkloadFigures, type WorkloadLimits } from './run-workload.js';
import { BIG_ROWS, SMALL_ROWS, type GroupRow, type Session, type SystemUnderTest } from './system-under-test.js';

/** Names the workloads so the targets can find their rows. */
export type WorkloadId =
  | 'pk-read-1'
  | 'pk-read-32'
  | 'email-read-1k'
  | 'email-read-100k'
  | 'hot-slot-50'
  | 'insert-1'
  | 'insert-16'
  | 'group-by';

/** One line of the workload list, the same on every system. */
export interface Workload {
  id: WorkloadId;
  title: string;
  limits: WorkloadLimits;
  /** Kind of operation, for the target that compares server CPU per indexed read. */
  indexedRead: boolean;
  prepare?(system: SystemUnderTest): Promise<void>;
  operation(session: Session): Operation;
}

const HOT_SLOT = 'hot';
const EMAIL_READ_CLIENTS = 8;

/**
 * The workloads from the issue. `scale` < 1 shrinks op counts and time caps for a smoke run;
 * at 1 every workload is capped at a few seconds so the whole bench ends well within 10 minutes.
 */
export function workloads(scale = 1): Workload[] {
  const limits = (clients: number, maxOps: number, maxSeconds: number, warmupOps: number): WorkloadLimits => ({
    clients,
    maxOps: Math.max(clients, Math.round(maxOps * scale)),
    maxMs: maxSeconds * 1000 * scale,
    warmupOps: Math.round(warmupOps * scale),
  });
  const expected = JSON.stringify(expectedGroups(BIG_ROWS));
  const insertOperation = (prefix: string) => (session: Session): Operation => (seq) =>
    session.insertEvent(`${prefix}-${seq}`, seq % BIG_ROWS);

  return [
    {
      id: 'pk-read-1',
      title: `point read by _id / PK, ${BIG_ROWS / 1000}k rows, 1 client`,
      limits: limits(1, 30_000, 8, 3_000),
      indexedRead: true,
      operation: (session) => (seq) => session.readById(mix32(seq) % BIG_ROWS),
    },
    {
      id: 'pk-read-32',
      title: `point read by _id / PK, ${BIG_ROWS / 1000}k rows, 32 clients`,
      limits: limits(32, 60_000, 8, 6_000),
      indexedRead: true,
      operation: (session) => (seq) => session.readById(mix32(seq) % BIG_ROWS),
    },
    {
      id: 'email-read-1k',
      title: `read by unique secondary index, ${SMALL_ROWS / 1000}k rows, ${EMAIL_READ_CLIENTS} clients`,
      limits: limits(EMAIL_READ_CLIENTS, 40_000, 8, 4_000),
      indexedRead: true,
      operation: (session) => (seq) => session.readByEmail('small', mix32(seq) % SMALL_ROWS),
    },
    {
      id: 'email-read-100k',
      title: `read by unique secondary index, ${BIG_ROWS / 1000}k rows, ${EMAIL_READ_CLIENTS} clients`,
      limits: limits(EMAIL_READ_CLIENTS, 40_000, 8, 4_000),
      indexedRead: true,
      operation: (session) => (seq) => session.readByEmail('big', mix32(seq) % BIG_ROWS),
    },
    {
      id: 'hot-slot-50',
      title: 'hot-slot conditional decrement, durable, 50 clients',
      limits: limits(50, 20_000, 8, 1_000),
      indexedRead: false,
      prepare: (system) => system.resetSlot(HOT_SLOT, 1e9),
      operation: (session) => async () => {
        if (!(await session.takeFromSlot(HOT_SLOT))) throw new Error('hot slot ran out; it was set to 1e9');
      },
    },
    {
      id: 'insert-1',
      title: 'durable single insert, 1 client',
      limits: limits(1, 5_000, 6, 200),
      indexedRead: false,
      operation: insertOperation('i1'),
    },
    {
      id: 'insert-16',
      title: 'durable single insert, 16 clients',
      limits: limits(16, 30_000, 6, 1_000),
      indexedRead: false,
      operation: insertOperation('i16'),
    },
    {
      id: 'group-by',
      title: `group-by grp: count, sum(x) over ${BIG_ROWS / 1000}k rows, 1 client`,
      limits: limits(1, 500, 8, 5),
      indexedRead: false,
      operation: (session) => async () => {
        const rows = await session.groupBy();
        const got = JSON.stringify([...rows].sort((a: GroupRow, b: GroupRow) => a.grp - b.grp));
        if (got !== expected) throw new Error(`group-by returned wrong groups: ${got.slice(0, 200)}…`);
      },
    },
  ];
}

/** Runs one workload on one system with a fresh connection pool sized for its clients. */
export async function runOn(system: SystemUnderTest, workload: Workload): Promise<WorkloadFigures> {
  await workload.prepare?.(system);
  const session = await system.openSession(workload.limits.clients);
  try {
    return await runWorkload(workload.limits, workload.operation(session), () => system.serverCpu());
  } finally {
    await session.close();
  }
}

/** Outcome of the hot-slot correctness run. */
export interface HotSlotCheck {
  successes: number;
  remaining: number;
  ok: boolean;
}

const CHECK_SLOT = 'check';
const CHECK_STOCK = 20;
const CHECK_ATTEMPTS = 500;
const CHECK_CLIENTS = 50;

/** 20 left, 500 durable attempts from 50 clients: exactly 20 may succeed and 0 must remain. */
export async function checkHotSlot(system: SystemUnderTest): Promise<HotSlotCheck> {
  await system.resetSlot(CHECK_SLOT, CHECK_STOCK);
  const session = await system.openSession(CHECK_CLIENTS);
  let successes = 0;
  try {
    await runWorkload(
      { clients: CHECK_CLIENTS, maxOps: CHECK_ATTEMPTS, maxMs: 120_000, warmupOps: 0 },
      async () => {
        if (await session.takeFromSlot(CHECK_SLOT)) successes++;
      },
      () => ({ userUs: 0, systemUs: 0 }),
    );
  } finally {
    await session.close();
  }
  const remaining = await system.slotRemaining(CHECK_SLOT);
  return { successes, remaining, ok: successes === CHECK_STOCK && remaining === 0 };
}

/** Described in the report so the reader knows what the check did. */
export const HOT_SLOT_CHECK_TITLE = `hot-slot correctness: ${CHECK_STOCK} left, ${CHECK_ATTEMPTS} attempts from ${CHECK_CLIENTS} clients`;
