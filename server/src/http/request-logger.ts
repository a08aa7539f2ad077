import type { AppMiddleware } from './state.js';

/**
 * Logs one line per request: method, path, status, duration and (via the bound logger) the
 * request id. The path only — query strings can carry personal data (a phone, an ID number)
 * and are never logged. Runs outside the error middleware so it sees the final status.
 */
export function requestLogger(): AppMiddleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(durationMs * 10) / 10 };
      const log = ctx.state.log;
      if (ctx.status >= 500) log.error(line, 'request failed');
      else log.info(line, 'request');
    }
  };
}
