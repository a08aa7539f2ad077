import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { FHIR_PREFIX, createSimulatorApp, type SimulatorState } from './app.js';
import type { Faults } from './faults.js';

/**
 * The hospital simulator: a FHIR R4 server holding the seeded demo alliance (滨江医联体), with
 * switchable faults. It is the embedded default behind the FHIR adapter, and what tests point
 * the BFF at.
 */

export { createSimulatorApp, DEFAULT_BLIND_INDEX_KEY, FHIR_PREFIX, ADMIN_PREFIX } from './app.js';
export type { SimulatorApp, SimulatorOptions, SimulatorState } from './app.js';
export { FaultsSchema, type Faults } from './faults.js';

/** Options of a running simulator. */
export interface StartSimulatorOptions {
  /** Port to listen on; 0 or absent = a free port. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default (the simulator has no authentication). */
  host?: string;
  now?: () => Date;
  logger?: Logger;
  blindIndexKey?: string;
  random?: () => number;
  /** Hours after a booked visit ended when it is recorded `fulfilled` unless marked `noshow` (default 4). */
  autoFulfilAfterHours?: number;
}

/** A running simulator. */
export interface RunningSimulator {
  /** The FHIR base, e.g. `http://127.0.0.1:PORT/fhir`. */
  baseUrl: string;
  /** Base of the control API, e.g. `http://127.0.0.1:PORT/__sim`. */
  adminUrl: string;
  port: number;
  faults: { set(faults: Faults): void; clear(): void; get(): Faults };
  /** Re-seeds the data and clears every fault. */
  reset(): void;
  state(): SimulatorState;
  /** Ends requests held by faults, closes every connection, stops listening. */
  stop(): Promise<void>;
}

/** Starts the simulator on its own port. */
export async function startHospitalSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const sim = createSimulatorApp({
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.blindIndexKey ? { blindIndexKey: options.blindIndexKey } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.autoFulfilAfterHours !== undefined ? { autoFulfilAfterHours: options.autoFulfilAfterHours } : {}),
  });
  const server = createServer(sim.app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${reachableHost}:${port}`;
  let stopping: Promise<void> | undefined;

  return {
    baseUrl: `${origin}${FHIR_PREFIX}`,
    adminUrl: `${origin}/__sim`,
    port,
    faults: {
      set: (faults) => sim.faults.set(faults),
      clear: () => sim.faults.clear(),
      get: () => sim.faults.get(),
    },
    reset: () => sim.reset(),
    state: () => sim.state(),
    stop: () => {
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Held requests answer 503 now; idle keep-alive sockets close; stragglers get a moment to flush.
        sim.faults.releaseAll();
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
      return stopping;
    },
  };
}
