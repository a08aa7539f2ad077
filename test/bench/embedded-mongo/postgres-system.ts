import pg from 'pg';
import { emailOf, patientRow, type PatientRow } from './patient-rows.js';
import { processTreeCpu } from './process-cpu.js';
import type { PostgresCluster } from './postgres-cluster.js';
import {
  BIG_ROWS,
  SMALL_ROWS,
  type DataSet,
  type GroupRow,
  type Session,
  type SystemUnderTest,
} from './system-under-test.js';

const TABLE: Record<DataSet, string> = { big: 'patients_big', small: 'patients_small' };
const SEED_BATCH = 5_000;

/**
 * PostgreSQL doing the same work with `pg`. Queries are named prepared statements, the way a
 * tuned application would issue them, so this is PostgreSQL at its best.
 */
export function postgresSystem(cluster: PostgresCluster): SystemUnderTest {
  const connection = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    database: cluster.database,
  };
  const admin = new pg.Pool({ ...connection, max: 1 });

  return {
    label: `postgresql ${cluster.version}`,
    serverCpu: () => processTreeCpu(cluster.postmasterPid),

    async seed() {
      for (const [set, rows] of [['big', BIG_ROWS], ['small', SMALL_ROWS]] as const) {
        const table = TABLE[set];
        await admin.query(`DROP TABLE IF EXISTS ${table}`);
        await admin.query(`CREATE TABLE ${table} (
          id int PRIMARY KEY, email text NOT NULL UNIQUE, grp int NOT NULL, x int NOT NULL,
          name text NOT NULL, note text NOT NULL, created_at timestamptz NOT NULL)`);
        for (let start = 0; start < rows; start += SEED_BATCH) {
          const batch: PatientRow[] = [];
          for (let i = start; i < Math.min(rows, start + SEED_BATCH); i++) batch.push(patientRow(i));
          await admin.query(
            `INSERT INTO ${table} (id, email, grp, x, name, note, created_at)
             SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])`,
            [
              batch.map((r) => r.id), batch.map((r) => r.email), batch.map((r) => r.grp), batch.map((r) => r.x),
              batch.map((r) => r.name), batch.map((r) => r.note), batch.map((r) => r.createdAt),
            ],
          );
        }
        await admin.query(`VACUUM ANALYZE ${table}`);
      }
      await admin.query('DROP TABLE IF EXISTS slots');
      await admin.query('CREATE TABLE slots (id text PRIMARY KEY, remaining int NOT NULL)');
      await admin.query('DROP TABLE IF EXISTS events');
      await admin.query(`CREATE TABLE events (
        id text PRIMARY KEY, patient_id int NOT NULL, kind text NOT NULL, at timestamptz NOT NULL, amount_fen int NOT NULL)`);
    },

    async resetSlot(slot, remaining) {
      await admin.query(
        `INSERT INTO slots (id, remaining) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET remaining = EXCLUDED.remaining`,
        [slot, remaining],
      );
    },

    async slotRemaining(slot) {
      const result = await admin.query<{ remaining: number }>('SELECT remaining FROM slots WHERE id = $1', [slot]);
      return result.rows[0]?.remaining ?? Number.NaN;
    },

    async openSession(clients) {
      const pool = new pg.Pool({ ...connection, max: Math.max(1, clients), idleTimeoutMillis: 0 });
      return postgresSession(pool);
    },

    async close() {
      await admin.end();
    },
  };
}

function postgresSession(pool: pg.Pool): Session {
  return {
    async readById(id) {
      const result = await pool.query<PgPatient>({
        name: 'read-by-id',
        text: 'SELECT * FROM patients_big WHERE id = $1',
        values: [id],
      });
      if (result.rows[0]?.id !== id) throw new Error(`read by id ${id} returned ${JSON.stringify(result.rows[0])}`);
    },

    async readByEmail(set, i) {
      const result = await pool.query<PgPatient>({
        name: `read-by-email-${set}`,
        text: `SELECT * FROM ${TABLE[set]} WHERE email = $1`,
        values: [emailOf(i)],
      });
      if (result.rows[0]?.id !== i) throw new Error(`read by email ${i} returned ${JSON.stringify(result.rows[0])}`);
    },

    async takeFromSlot(slot) {
      const result = await pool.query({
        name: 'take-from-slot',
        text: 'UPDATE slots SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0 RETURNING remaining',
        values: [slot],
      });
      return result.rowCount === 1;
    },

    async insertEvent(id, patientId) {
      const result = await pool.query({
        name: 'insert-event',
        text: 'INSERT INTO events (id, patient_id, kind, at, amount_fen) VALUES ($1, $2, $3, $4, $5)',
        values: [id, patientId, 'registration.paid', new Date(), 2500],
      });
      if (result.rowCount !== 1) throw new Error(`insert ${id} reported ${result.rowCount} rows`);
    },

    async groupBy() {
      const result = await pool.query<GroupRow>({
        name: 'group-by',
        // count and sum are bigint, which pg returns as strings; the totals fit in int.
        text: 'SELECT grp, count(*)::int AS n, sum(x)::int AS s FROM patients_big GROUP BY grp',
      });
      return result.rows;
    },

    async close() {
      await pool.end();
    },
  };
}

interface PgPatient {
  id: number;
  email: string;
  grp: number;
  x: number;
  name: string;
  note: string;
  created_at: Date;
}
