import type { CpuTime } from './process-cpu.js';

/** Rows in the big data set (point reads, unique-index reads, group-by). */
export const BIG_ROWS = 100_000;
/** Rows in the small data set (unique-index reads, to show how reads scale with size). */
export const SMALL_ROWS = 1_000;
/** Distinct `grp` values, so the group-by returns this many groups. */
export const GROUPS = 100;

/** Which data set a unique-index read goes to. */
export type DataSet = 'small' | 'big';

/** One row of the group-by: `grp`, count and sum of `x`. */
export interface GroupRow {
  grp: number;
  n: number;
  s: number;
}

/**
 * The same logical work on either system. Each method is one round trip and verifies its
 * answer, so a wrong result fails the bench instead of producing a fast figure.
 */
export interface Session {
  /** Point read of the row with primary key / `_id` = `id`, in the big data set. */
  readById(id: number): Promise<void>;
  /** Read of row `i` through the unique `email` index. */
  readByEmail(set: DataSet, i: number): Promise<void>;
  /** Durable conditional decrement of a slot's `remaining`; true if it took one. */
  takeFromSlot(slot: string): Promise<boolean>;
  /** Durable single insert of a small event row with a client-chosen unique id. */
  insertEvent(id: string, patientId: number): Promise<void>;
  /** `grp`, count(*), sum(x) over the big data set. */
  groupBy(): Promise<GroupRow[]>;
  close(): Promise<void>;
}

/** One database under test: how to seed it, open client sessions, and read its server CPU. */
export interface SystemUnderTest {
  readonly label: string;
  /** Cumulative server CPU time (all its processes). */
  serverCpu(): CpuTime;
  /** Creates and fills both data sets with identical rows. */
  seed(): Promise<void>;
  /** Sets a slot's `remaining`, creating the slot if needed. */
  resetSlot(slot: string, remaining: number): Promise<void>;
  /** Reads a slot's `remaining`. */
  slotRemaining(slot: string): Promise<number>;
  /** A connection pool sized for `clients` concurrent operations. */
  openSession(clients: number): Promise<Session>;
  close(): Promise<void>;
}
