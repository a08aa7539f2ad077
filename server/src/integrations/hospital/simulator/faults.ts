import type { Context, Next } from 'koa';
import { z } from 'zod';
import { operationOutcome } from './operation-outcome.js';

/**
 * Switchable faults, so tests can prove the BFF survives a slow, failing, hanging or lying
 * hospital. Faults apply to FHIR requests only (never to /__sim).
 */

/** A fault configuration; every field optional, all set ones apply together. */
export const FaultsSchema = z.strictObject({
  /** Delay before answering, in ms. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Share of requests answered 503 with an OperationOutcome (0..1). */
  errorRate: z.number().min(0).max(1).optional(),
  /** Never answer: the request hangs until the client gives up (or the simulator stops). */
  timeout: z.boolean().optional(),
  /**
   * Answer 200 with bad content: `malformed-json` (a truncated body; `true` means this) or
   * `missing-fields` (resources stripped to their resourceType).
   */
  wrongData: z.union([z.boolean(), z.enum(['malformed-json', 'missing-fields'])]).optional(),
  /** Only requests whose path starts with this, under /fhir (`/Slot`) or in full (`/fhir/Slot`). */
  match: z.string().startsWith('/').optional(),
});
/** A fault configuration. */
export type Faults = z.infer<typeof FaultsSchema>;

/**
 * Holds the current faults and every request they keep waiting, so stopping the simulator can
 * end those requests instead of leaking them.
 */
export class FaultController {
  private faults: Faults = {};
  private readonly waiting = new Set<() => void>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the faults (validated; throws a ZodError on a bad shape). */
  set(faults: Faults): void {
    this.faults = FaultsSchema.parse(faults);
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = {};
  }

  /** The current faults. */
  get(): Faults {
    return { ...this.faults };
  }

  /** How many requests are being held by latency or timeout faults. */
  waitingCount(): number {
    return this.waiting.size;
  }

  /** Ends every held request now (they answer 503). Used on stop. */
  releaseAll(): void {
    for (const release of [...this.waiting]) release();
  }

  /** Koa middleware for the FHIR routes. */
  middleware(fhirPrefix: string) {
    return async (ctx: Context, next: Next): Promise<void> => {
      const faults = this.faults;
      if (!this.applies(faults, ctx.path, fhirPrefix)) return next();
      if (faults.latencyMs) {
        const released = await this.wait(ctx, faults.latencyMs);
        if (released) return this.stopping(ctx);
      }
      if (faults.timeout) {
        await this.wait(ctx, undefined);
        return this.stopping(ctx);
      }
      if (faults.errorRate !== undefined && faults.errorRate > 0 && this.random() < faults.errorRate) {
        ctx.status = 503;
        ctx.type = 'application/fhir+json';
        ctx.body = operationOutcome('transient', 'Injected fault: the hospital system is temporarily unavailable.');
        return;
      }
      await next();
      if (faults.wrongData && ctx.status >= 200 && ctx.status < 300 && typeof ctx.body === 'object' && ctx.body !== null) {
        const mode = faults.wrongData === true ? 'malformed-json' : faults.wrongData;
        if (mode === 'malformed-json') {
          const text = JSON.stringify(ctx.body);
          ctx.body = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
        } else {
          ctx.body = stripFields(ctx.body as Record<string, unknown>);
        }
        ctx.type = 'application/fhir+json';
      }
    };
  }

  private applies(faults: Faults, path: string, fhirPrefix: string): boolean {
    if (faults.match === undefined) return true;
    const relative = path.startsWith(fhirPrefix) ? path.slice(fhirPrefix.length) || '/' : path;
    return relative.startsWith(faults.match) || path.startsWith(faults.match);
  }

  /** Waits `ms` (forever if undefined) or until the client goes away or releaseAll; true if released. */
  private wait(ctx: Context, ms: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (released: boolean): void => {
        if (timer) clearTimeout(timer);
        ctx.res.off('close', onClose);
        this.waiting.delete(release);
        resolve(released);
      };
      const release = (): void => finish(true);
      const onClose = (): void => finish(true);
      this.waiting.add(release);
      ctx.res.once('close', onClose);
      if (ms !== undefined) timer = setTimeout(() => finish(false), ms);
    });
  }

  private stopping(ctx: Context): void {
    ctx.status = 503;
    ctx.type = 'application/fhir+json';
    ctx.body = operationOutcome('timeout', 'The hospital simulator ended a request held by a fault (stopping or client gone).');
  }
}

/** Strips a resource (or every resource of a Bundle) down to its resourceType. */
function stripFields(body: Record<string, unknown>): Record<string, unknown> {
  if (body['resourceType'] === 'Bundle' && Array.isArray(body['entry'])) {
    return {
      ...body,
      entry: (body['entry'] as Array<Record<string, unknown>>).map((e) => ({
        ...e,
        resource: { resourceType: (e['resource'] as Record<string, unknown> | undefined)?.['resourceType'] },
      })),
    };
  }
  return { resourceType: body['resourceType'] };
}
