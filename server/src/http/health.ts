import { Router } from '@koa/router';
import type { DatabaseHealth } from '../db/mongoose.js';
import type { HospitalHealth, HospitalSystem } from '../integrations/hospital/port.js';
import type { AppState } from './state.js';

/** The body of `GET /healthz`. */
export interface HealthReport {
  /** `ok` when everything answers; `degraded` when the hospital (or the database) does not. */
  status: 'ok' | 'degraded';
  database: DatabaseHealth;
  hospital: { ok: boolean; latencyMs: number };
}

/** What the health check probes. */
export interface HealthDeps {
  db: { ping(timeoutMs?: number): Promise<DatabaseHealth> };
  hospital: Pick<HospitalSystem, 'health'>;
  /** Upper bound of each probe, so /healthz answers even when a dependency hangs. */
  timeoutMs: number;
}

async function probeHospital(hospital: Pick<HospitalSystem, 'health'>, timeoutMs: number): Promise<HospitalHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      hospital.health(),
      new Promise<HospitalHealth>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, latencyMs: Math.round(performance.now() - started), detail: 'timeout' }), timeoutMs);
      }),
    ]);
  } catch {
    return { ok: false, latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz` for load balancers and people: 200 while the database answers (the app can
 * serve its cache even when the hospital is down, reported as `degraded`), 503 when the
 * database does not.
 */
export function healthRoutes(deps: HealthDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', async (ctx) => {
    const [database, hospital] = await Promise.all([deps.db.ping(deps.timeoutMs), probeHospital(deps.hospital, deps.timeoutMs)]);
    const report: HealthReport = {
      status: database.ok && hospital.ok ? 'ok' : 'degraded',
      database: { ok: database.ok, latencyMs: database.latencyMs },
      hospital: { ok: hospital.ok, latencyMs: hospital.latencyMs },
    };
    ctx.set('Cache-Control', 'no-store');
    ctx.status = database.ok ? 200 : 503;
    ctx.body = report;
  });
  return router;
}
