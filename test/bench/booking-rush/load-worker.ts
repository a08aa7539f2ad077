import { parentPort, workerData } from 'node:worker_threads';

/**
 * The load generator of the booking bench, on its own thread (its own core), so sending 2,000
 * requests does not steal the server's CPU: each patient posts one booking, the latency is
 * measured from sending to the whole answer read.
 */

/** What the bench hands the worker. */
export interface LoadPlan {
  url: string;
  requests: Array<{ token: string; patientId: string; slotId: string }>;
  /** Arrivals spread evenly over this many ms (0: all at once). */
  spreadMs: number;
}

/** What the worker sends back. */
export interface LoadResult {
  durationMs: number;
  latencies: number[];
  statuses: Record<string, number>;
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    plan.requests.map(async (request, i) => {
      if (plan.spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, (i / plan.requests.length) * plan.spreadMs));
      const sent = performance.now();
      let key: string;
      try {
        const response = await fetch(`${plan.url}/api/v1/appointments`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${request.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ slotId: request.slotId, patientId: request.patientId }),
        });
        const body = (await response.json()) as { error?: { code: string } };
        key = `${response.status}${body.error ? ` ${body.error.code}` : ''}`;
      } catch (error) {
        key = `network ${(error as Error).message}`;
      }
      latencies.push(performance.now() - sent);
      statuses[key] = (statuses[key] ?? 0) + 1;
    }),
  );
  return { durationMs: performance.now() - started, latencies, statuses };
}

run(workerData as LoadPlan).then(
  (result) => parentPort!.postMessage(result),
  (error: unknown) => {
    throw error;
  },
);
