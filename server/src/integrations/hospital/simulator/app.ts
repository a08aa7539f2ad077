import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type { Appointment } from '@medplum/fhirtypes';
import Koa, { type Context } from 'koa';
import type { Logger } from 'pino';
import { capabilityStatement } from './capability.js';
import { FaultController, FaultsSchema, type Faults } from './faults.js';
import { FhirError, operationOutcome } from './operation-outcome.js';
import { isSupportedType, search } from './search.js';
import { SimulatorStore } from './store.js';
import { VisitOutcomeSchema } from './visit-outcome.js';

/** Where the FHIR API lives on the simulator. */
export const FHIR_PREFIX = '/fhir';
/** Where the (non-FHIR) test-control API lives. */
export const ADMIN_PREFIX = '/__sim';
/**
 * Default key of the resident-ID blind index seeded on demo patients. The BFF must hash ID
 * numbers with the same key for its MPI look-ups to find them.
 */
export const DEFAULT_BLIND_INDEX_KEY = 'careloop-demo-blind-index-key';

/** Options of the simulator app. */
export interface SimulatorOptions {
  /** The simulator's clock (slots, seed dates, appointment stamps). Default: the real clock. */
  now?: () => Date;
  /** Request logging; none when absent. */
  logger?: Logger;
  /** Key for the seeded patients' resident-ID blind index (see DEFAULT_BLIND_INDEX_KEY). */
  blindIndexKey?: string;
  /** Random source for the errorRate fault (tests pin it). */
  random?: () => number;
  /** Hours after a booked visit ended when it is recorded `fulfilled` unless marked `noshow` (default 4). */
  autoFulfilAfterHours?: number;
}

/** What /__sim/state and `state()` report. */
export interface SimulatorState {
  now: string;
  faults: Faults;
  /** Requests currently held by a latency or timeout fault. */
  heldRequests: number;
  counts: Record<string, number>;
  appointments: Array<{ id: string; status: string; slot: string | undefined; patient: string | undefined; start: string | undefined }>;
}

/** The simulator as a Koa app plus its controls, for tests and for `startHospitalSimulator`. */
export interface SimulatorApp {
  app: Koa;
  store: SimulatorStore;
  faults: FaultController;
  /** Re-seeds the data and clears every fault. */
  reset(): void;
  state(): SimulatorState;
}

const FHIR_JSON = 'application/fhir+json';

/** Builds the simulator's Koa app (FHIR under /fhir, controls under /__sim); no globals. */
export function createSimulatorApp(options: SimulatorOptions = {}): SimulatorApp {
  const now = options.now ?? (() => new Date());
  const logger = options.logger;
  const store = new SimulatorStore({
    now,
    blindIndexKey: options.blindIndexKey ?? DEFAULT_BLIND_INDEX_KEY,
    ...(options.autoFulfilAfterHours !== undefined ? { autoFulfilAfterHours: options.autoFulfilAfterHours } : {}),
  });
  const faults = new FaultController(options.random);
  const app = new Koa();
  app.on('error', (err: unknown) => logger?.error({ err }, 'hospital simulator: error while answering'));

  const reset = (): void => {
    store.reset();
    faults.clear();
  };
  const state = (): SimulatorState => ({
    now: now().toISOString(),
    faults: faults.get(),
    heldRequests: faults.waitingCount(),
    counts: store.counts(),
    appointments: store.list('Appointment').map((r) => {
      const a = r as Appointment;
      return {
        id: a.id ?? '',
        status: a.status,
        slot: a.slot?.[0]?.reference,
        patient: a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference,
        start: a.start,
      };
    }),
  });

  if (logger) {
    app.use(async (ctx, next) => {
      const started = Date.now();
      try {
        await next();
      } finally {
        logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }, 'hospital simulator');
      }
    });
  }

  // Errors: OperationOutcome under /fhir, the house error shape under /__sim.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = err instanceof FhirError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status === 500) logger?.error({ err }, 'hospital simulator: unexpected error');
      ctx.status = status;
      if (isUnder(ctx.path, FHIR_PREFIX)) {
        ctx.type = FHIR_JSON;
        ctx.body = operationOutcome(err instanceof FhirError ? err.issueType : 'exception', message);
      } else {
        ctx.body = { error: { code: status === 500 ? 'internal' : 'bad_request', message } };
      }
    }
  });

  const fhirFaults = faults.middleware(FHIR_PREFIX);
  app.use((ctx, next) => (isUnder(ctx.path, FHIR_PREFIX) ? fhirFaults(ctx, next) : next()));

  app.use(
    bodyParser({
      enableTypes: ['json'],
      // Listed with application/json: the parser merges this array into its defaults by index.
      extendTypes: { json: ['application/json', FHIR_JSON] },
      onError: (err) => {
        throw new FhirError(400, 'structure', `The body is not valid JSON: ${err.message}`, { cause: err });
      },
    }),
  );

  const admin = new Router({ prefix: ADMIN_PREFIX });
  admin.post('/faults', (ctx) => {
    const parsed = FaultsSchema.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = {
        error: {
          code: 'invalid_faults',
          message: 'The fault configuration is not valid; see details.',
          details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      };
      return;
    }
    faults.set(parsed.data);
    ctx.body = { faults: faults.get() };
  });
  admin.delete('/faults', (ctx) => {
    faults.clear();
    ctx.status = 204;
  });
  admin.post('/reset', (ctx) => {
    reset();
    ctx.body = state();
  });
  admin.get('/state', (ctx) => {
    ctx.body = state();
  });
  // The clinic records a visit's outcome: `{ "outcome": "fulfilled" | "noshow" }`.
  admin.post('/appointments/:id/outcome', (ctx) => {
    const parsed = VisitOutcomeSchema.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = { error: { code: 'invalid_outcome', message: 'outcome must be "fulfilled" or "noshow".', details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } };
      return;
    }
    try {
      const appointment = store.recordOutcome(ctx.params['id'] ?? '', parsed.data.outcome);
      ctx.body = { id: appointment.id, status: appointment.status };
    } catch (error) {
      if (!(error instanceof FhirError)) throw error;
      ctx.status = error.status;
      ctx.body = { error: { code: error.status === 404 ? 'not_found' : 'conflict', message: error.message } };
    }
  });
  app.use(admin.routes());
  app.use(admin.allowedMethods());

  app.use(async (ctx, next) => {
    if (!isUnder(ctx.path, FHIR_PREFIX)) return next();
    handleFhir(ctx, store, now);
  });

  return { app, store, faults, reset, state };
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function send(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.type = FHIR_JSON;
  ctx.body = body;
}

function versioned(ctx: Context, resource: { meta?: { versionId?: string; lastUpdated?: string } }): void {
  if (resource.meta?.versionId) ctx.set('ETag', `W/"${resource.meta.versionId}"`);
  if (resource.meta?.lastUpdated) ctx.set('Last-Modified', new Date(resource.meta.lastUpdated).toUTCString());
}

/** The FHIR REST interactions the simulator supports; everything else is a 4xx OperationOutcome. */
function handleFhir(ctx: Context, store: SimulatorStore, now: () => Date): void {
  const baseUrl = `${ctx.protocol}://${ctx.host}${FHIR_PREFIX}`;
  const segments = ctx.path.slice(FHIR_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
  const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
  const [type, id, ...rest] = segments;

  if (type === 'metadata' && id === undefined) {
    if (method !== 'GET') throw new FhirError(405, 'not-supported', 'metadata is read-only.');
    return send(ctx, 200, capabilityStatement(baseUrl, now().toISOString()));
  }
  if (type === undefined) throw new FhirError(400, 'not-supported', 'Batch and transaction Bundles are not supported.');
  if (!isSupportedType(type)) throw new FhirError(400, 'not-supported', `Unknown resource type ${type}.`);
  if (rest.length > 0) throw new FhirError(400, 'not-supported', `${ctx.path} is not a supported interaction.`);

  if (id === undefined) {
    if (method === 'GET') return send(ctx, 200, search(store, type, new URLSearchParams(ctx.querystring), baseUrl));
    if (method === 'POST' && type === 'Appointment') {
      const ifNoneExist = ctx.get('If-None-Exist') || undefined;
      const { appointment, created } = store.createAppointment(ctx.request.body, ifNoneExist);
      ctx.set('Location', `${baseUrl}/Appointment/${appointment.id}/_history/${appointment.meta?.versionId ?? '1'}`);
      versioned(ctx, appointment);
      return send(ctx, created ? 201 : 200, appointment);
    }
    if (method === 'POST' && type === 'Slot') {
      const ifNoneExist = ctx.get('If-None-Exist') || undefined;
      const { slot, created } = store.createSlot(ctx.request.body, ifNoneExist);
      ctx.set('Location', `${baseUrl}/Slot/${slot.id}/_history/1`);
      return send(ctx, created ? 201 : 200, slot);
    }
    throw new FhirError(405, 'not-supported', `${method} ${type} is not supported.`);
  }

  if (method === 'GET') {
    const resource = store.read(type, id);
    if (!resource) throw new FhirError(404, 'not-found', `${type}/${id} does not exist.`);
    versioned(ctx, resource);
    return send(ctx, 200, resource);
  }
  if (method === 'PUT' && type === 'Appointment') {
    const appointment = store.updateAppointment(id, ctx.request.body);
    versioned(ctx, appointment);
    return send(ctx, 200, appointment);
  }
  throw new FhirError(405, 'not-supported', `${method} ${type}/{id} is not supported.`);
}
