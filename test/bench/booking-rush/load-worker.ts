import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The load generator of the booking bench, on its own thread (its own core), so sending 2,000
 * requests does not steal the server's CPU: each patient posts one booking, the latency is
 * measured from the request's bytes being handed to the socket to the whole answer read.
 *
 * Two ways of connecting:
 * - `open`: every patient's keep-alive connection is open before the clock starts (as behind a
 *   gateway or with the app already talking to us), and the requests are pre-built bytes
 *   written in one loop — so the figure is the server's latency, not the client's cost of
 *   building 2,000 requests (which with `fetch` takes this thread about a second);
 * - `fresh`: `fetch`, each request opening its own TCP connection at the same moment; this
 *   includes the client's and the kernel's cost of 2,000 simultaneous connects.
 */

/** What the bench hands the worker. */
export interface LoadPlan {
  url: string;
  requests: Array<{ token: string; patientId: string; slotId: string }>;
  /** Arrivals spread evenly over this many ms (0: all at once). */
  spreadMs: number;
  connections: 'open' | 'fresh';
}

/** What the worker sends back. */
export interface LoadResult {
  durationMs: number;
  latencies: number[];
  statuses: Record<string, number>;
}

interface Answer {
  status: number;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The status key of an answer: `201`, `409 slot_unavailable`, … */
function statusKey(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code: string } };
    return `${status}${parsed.error ? ` ${parsed.error.code}` : ''}`;
  } catch {
    return `${status} (not JSON)`;
  }
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes one HTTP/1.1 request on an open socket and reads one answer (the BFF always sends Content-Length). */
function exchange(socket: net.Socket, bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    const done = (error: Error | null, answer?: Answer) => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(answer!);
    };
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = received.subarray(0, headEnd).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) return done(new Error('answer without Content-Length'));
      const end = headEnd + 4 + Number(length[1]);
      if (received.length < end) return;
      done(null, { status: Number(head.slice(9, 12)), body: received.subarray(headEnd + 4, end).toString('utf8') });
    };
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('connection closed before the answer'));
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(bytes);
  });
}

async function runOpen(plan: LoadPlan): Promise<LoadResult> {
  const { hostname, port, host } = new URL(plan.url);
  const sockets = await Promise.all(plan.requests.map(() => connect(hostname, Number(port))));
  const requests = plan.requests.map((request) => {
    const body = JSON.stringify({ slotId: request.slotId, patientId: request.patientId });
    return Buffer.from(
      `POST /api/v1/appointments HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${request.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    requests.map(async (bytes, i) => {
      if (plan.spreadMs > 0) await sleep((i / requests.length) * plan.spreadMs);
      const sent = performance.now();
      let key: string;
      try {
        const answer = await exchange(sockets[i]!, bytes);
        key = statusKey(answer.status, answer.body);
      } catch (error) {
        key = `network ${(error as Error).message}`;
      }
      latencies.push(performance.now() - sent);
      statuses[key] = (statuses[key] ?? 0) + 1;
    }),
  );
  const durationMs = performance.now() - started;
  for (const socket of sockets) socket.destroy();
  return { durationMs, latencies, statuses };
}

async function runFresh(plan: LoadPlan): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    plan.requests.map(async (request, i) => {
      if (plan.spreadMs > 0) await sleep((i / plan.requests.length) * plan.spreadMs);
      const sent = performance.now();
      let key: string;
      try {
        const response = await fetch(`${plan.url}/api/v1/appointments`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${request.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ slotId: request.slotId, patientId: request.patientId }),
        });
        key = statusKey(response.status, await response.text());
      } catch (error) {
        key = `network ${(error as Error).message}`;
      }
      latencies.push(performance.now() - sent);
      statuses[key] = (statuses[key] ?? 0) + 1;
    }),
  );
  return { durationMs: performance.now() - started, latencies, statuses };
}

const plan = workerData as LoadPlan;
(plan.connections === 'open' ? runOpen(plan) : runFresh(plan)).then(
  (result) => parentPort!.postMessage(result),
  (error: unknown) => {
    throw error;
  },
);
