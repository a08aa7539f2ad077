/**
 * HTTP to one FHIR R4 server, with the resilience every call out needs: a per-request timeout
 * that aborts the fetch, retries with exponential back-off for idempotent calls (GET, PUT) on
 * network errors, 5xx/429 and time-outs, and one consecutive-failure circuit breaker per client
 * so a hospital that is down is not hammered and patients get an answer at once. Everything
 * that goes wrong leaves as a HospitalSystemError; callers never see a raw fetch error.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IDefaultPolicyContext,
  type IPolicy,
} from 'cockatiel';
import { z } from 'zod';
import { HospitalSystemError } from '../errors.js';

/** Where warnings go; shaped like pino's `logger.warn(obj, msg)`. */
export interface FhirLogger {
  warn(obj: object, msg: string): void;
}

/** Tuning for one client; defaults suit a hospital on the same network. */
export interface FhirClientOptions {
  /** FHIR base, e.g. `http://his.example/fhir` (with or without a trailing slash). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per attempt, in ms. Default 3000. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls. Default 2. */
  retries?: number;
  breaker?: {
    /** Consecutive failed attempts that open the circuit. Default 5. */
    failureThreshold?: number;
    /** How long the circuit stays open before one trial call. Default 10000 ms. */
    halfOpenAfterMs?: number;
  };
  logger?: FhirLogger;
}

/** One resource out of a search Bundle, with whether it matched or was `_include`d. */
export interface SearchEntry {
  resource: { resourceType: string; id?: string; [key: string]: unknown };
  mode: 'match' | 'include' | 'outcome';
}

/** A search that follows `next` this many times is not ending; stop rather than loop. */
const MAX_PAGES = 100;

const FHIR_JSON = 'application/fhir+json';

const BundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  link: z.array(z.looseObject({ relation: z.string(), url: z.string() })).optional(),
  entry: z
    .array(
      z.looseObject({
        resource: z.looseObject({ resourceType: z.string(), id: z.string().optional() }).optional(),
        search: z.looseObject({ mode: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

interface RawResponse {
  status: number;
  text: string;
  location: string | null;
}

/** Network errors, time-outs, 5xx and 429 are worth another try and count against the breaker. */
function isTransient(error: Error): boolean {
  if (!(error instanceof HospitalSystemError)) return false;
  if (error.code === 'hospital_timeout') return true;
  return (
    error.code === 'hospital_unavailable' &&
    (error.status === undefined || error.status >= 500 || error.status === 429)
  );
}

/** The technical cause for an error status: status, method, path, OperationOutcome text. */
function statusCause(method: string, url: URL, response: RawResponse): Error {
  let detail = '';
  try {
    const body = JSON.parse(response.text) as {
      resourceType?: unknown;
      issue?: { diagnostics?: unknown; details?: { text?: unknown } }[];
    };
    if (body.resourceType === 'OperationOutcome' && Array.isArray(body.issue)) {
      detail = body.issue
        .map((i) => (typeof i.diagnostics === 'string' ? i.diagnostics : i.details?.text))
        .filter((t): t is string => typeof t === 'string')
        .join('; ');
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return new Error(`HTTP ${response.status} ${method} ${url.pathname}${detail ? `: ${detail}` : ''}`);
}

function classifyStatus(method: string, url: URL, response: RawResponse): HospitalSystemError | null {
  const { status } = response;
  if (status >= 200 && status < 300) return null;
  const options = { status, cause: statusCause(method, url, response) };
  if (status === 404 || status === 410) return new HospitalSystemError('hospital_not_found', options);
  // 412: an If-Match update lost a race; for our callers that is the same as a conflict.
  if (status === 409 || status === 412) return new HospitalSystemError('hospital_conflict', options);
  if (status === 408) return new HospitalSystemError('hospital_timeout', options);
  // 5xx, 429 (busy) and 401/403 (our credentials) all mean: we cannot use the hospital now.
  if (status >= 500 || status === 429 || status === 401 || status === 403) {
    return new HospitalSystemError('hospital_unavailable', options);
  }
  return new HospitalSystemError('hospital_bad_response', options);
}

/** A FHIR REST client with time-outs, retries for idempotent calls and a circuit breaker. */
export class FhirClient {
  private readonly base: URL;
  private readonly fetchImpl: typeof fetch;
  private readonly logger: FhirLogger | undefined;
  private readonly timeoutPolicy: IPolicy<IDefaultPolicyContext>;
  private readonly breakerPolicy: ReturnType<typeof circuitBreaker>;
  private readonly idempotent: IPolicy<IDefaultPolicyContext>;
  private readonly once: IPolicy<IDefaultPolicyContext>;

  constructor(options: FhirClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    // Late-bound so test interceptors installed after construction still see the call.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.logger = options.logger;

    this.timeoutPolicy = timeout(options.timeoutMs ?? 3000, TimeoutStrategy.Cooperative);
    this.breakerPolicy = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 10_000,
      breaker: new ConsecutiveBreaker(options.breaker?.failureThreshold ?? 5),
    });
    const retryPolicy = retry(handleWhen(isTransient), {
      maxAttempts: options.retries ?? 2,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    });
    // Outermost first: retry each attempt through the breaker, each attempt under its timeout.
    this.idempotent = wrap(retryPolicy, this.breakerPolicy, this.timeoutPolicy);
    this.once = wrap(this.breakerPolicy, this.timeoutPolicy);

    retryPolicy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      this.logger?.warn(
        { attempt: event.attempt, delayMs: Math.round(event.delay), code: codeOf(error), status: statusOf(error) },
        'hospital FHIR call failed; retrying',
      );
    });
    this.breakerPolicy.onBreak(() => {
      this.logger?.warn({ base: this.base.origin }, 'hospital FHIR circuit opened; failing fast');
    });
    this.breakerPolicy.onReset(() => {
      this.logger?.warn({ base: this.base.origin }, 'hospital FHIR circuit closed again');
    });
  }

  /** Whether the breaker is currently refusing calls (open or held open). */
  get circuitOpen(): boolean {
    const state = this.breakerPolicy.state;
    return state === CircuitState.Open || state === CircuitState.Isolated;
  }

  /** GET one resource (`Practitioner/p1`); 404/410 throw `hospital_not_found`. Retried. */
  async read(path: string): Promise<Record<string, unknown>> {
    const response = await this.run(this.idempotent, 'GET', this.resolve(path));
    return this.parseObject(response, path);
  }

  /**
   * GET a search (`Slot?schedule=…`) and follow `next` links to the end, returning every
   * entry in order. Next links must stay on the configured server. Retried per page.
   */
  async search(path: string): Promise<SearchEntry[]> {
    const entries: SearchEntry[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = this.resolve(path);
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES || seen.has(url.href)) {
        throw new HospitalSystemError('hospital_bad_response', {
          cause: new Error(`search paging does not end: ${url.pathname}`),
        });
      }
      seen.add(url.href);
      const body = this.parseObject(await this.run(this.idempotent, 'GET', url), path);
      const bundle = BundleSchema.safeParse(body);
      if (!bundle.success) {
        throw new HospitalSystemError('hospital_bad_response', {
          cause: new Error(`search ${url.pathname} did not return a Bundle`),
        });
      }
      for (const entry of bundle.data.entry ?? []) {
        if (!entry.resource) continue;
        const mode = entry.search?.mode;
        entries.push({
          resource: entry.resource,
          mode: mode === 'include' || mode === 'outcome' ? mode : 'match',
        });
      }
      const next = bundle.data.link?.find((l) => l.relation === 'next')?.url;
      url = next === undefined ? undefined : this.resolveNext(next);
    }
    return entries;
  }

  /**
   * POST a new resource. Never retried — a second POST could book twice — unless `ifNoneExist`
   * makes it a FHIR conditional create (`If-None-Exist: identifier=…`): then a retry returns the
   * resource the first attempt made, so it is retried like a read.
   */
  async create(path: string, resource: object, options: { ifNoneExist?: string } = {}): Promise<Record<string, unknown>> {
    const policy = options.ifNoneExist === undefined ? this.once : this.idempotent;
    const extra = options.ifNoneExist === undefined ? undefined : { 'If-None-Exist': options.ifNoneExist };
    const response = await this.run(policy, 'POST', this.resolve(path), resource, undefined, extra);
    return this.representation(response, path);
  }

  /** PUT a whole resource (idempotent, so retried); `ifMatch` makes it version-aware. */
  async update(
    path: string,
    resource: object,
    ifMatch?: string,
  ): Promise<Record<string, unknown>> {
    const response = await this.run(this.idempotent, 'PUT', this.resolve(path), resource, ifMatch);
    return this.representation(response, path);
  }

  /**
   * One GET under the timeout only — no retry, no breaker — for health checks, which must
   * look at the real server and must not trip the breaker on their own.
   */
  async probe(path: string): Promise<Record<string, unknown>> {
    const url = this.resolve(path);
    const response = await this.timeoutPolicy.execute((ctx) => this.attempt('GET', url, ctx.signal));
    return this.parseObject(response, path);
  }

  private resolve(path: string): URL {
    return new URL(path, this.base);
  }

  private resolveNext(next: string): URL {
    let url: URL;
    try {
      url = new URL(next, this.base);
    } catch (cause) {
      throw new HospitalSystemError('hospital_bad_response', { cause });
    }
    if (url.origin !== this.base.origin) {
      // Following a link elsewhere would send our queries (patient ids) to another host.
      throw new HospitalSystemError('hospital_bad_response', {
        cause: new Error(`next link leaves ${this.base.origin}`),
      });
    }
    return url;
  }

  private async run(
    policy: IPolicy<IDefaultPolicyContext>,
    method: string,
    url: URL,
    body?: object,
    ifMatch?: string,
    extraHeaders?: Record<string, string>,
  ): Promise<RawResponse> {
    try {
      return await policy.execute((ctx) => this.attempt(method, url, ctx.signal, body, ifMatch, extraHeaders));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new HospitalSystemError('hospital_unavailable', { cause: error });
      }
      throw error;
    }
  }

  /** One HTTP exchange, body read included, classified; the signal is the timeout's. */
  private async attempt(
    method: string,
    url: URL,
    signal: AbortSignal,
    body?: object,
    ifMatch?: string,
    extraHeaders?: Record<string, string>,
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { ...extraHeaders, Accept: FHIR_JSON };
    if (body !== undefined) {
      headers['Content-Type'] = FHIR_JSON;
      headers['Prefer'] = 'return=representation';
    }
    if (ifMatch !== undefined) headers['If-Match'] = ifMatch;
    let response: RawResponse;
    try {
      const res = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      response = { status: res.status, text: await res.text(), location: res.headers.get('location') };
    } catch (cause) {
      if (signal.aborted) throw new HospitalSystemError('hospital_timeout', { cause });
      throw new HospitalSystemError('hospital_unavailable', { cause });
    }
    const error = classifyStatus(method, url, response);
    if (error) throw error;
    return response;
  }

  private parseObject(response: RawResponse, what: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(response.text);
    } catch (cause) {
      throw new HospitalSystemError('hospital_bad_response', { status: response.status, cause });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new HospitalSystemError('hospital_bad_response', {
        status: response.status,
        cause: new Error(`${what.split('?')[0]}: response is not a JSON object`),
      });
    }
    return value as Record<string, unknown>;
  }

  /** The resource a create/update returned, or, when the server sent none, the one at Location. */
  private async representation(response: RawResponse, path: string): Promise<Record<string, unknown>> {
    if (response.text.trim() === '' && response.location) {
      const location = this.resolveNext(response.location);
      return this.parseObject(await this.run(this.idempotent, 'GET', location), path);
    }
    return this.parseObject(response, path);
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof HospitalSystemError ? error.code : undefined;
}

function statusOf(error: unknown): number | undefined {
  return error instanceof HospitalSystemError ? error.status : undefined;
}
