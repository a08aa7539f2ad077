import { bodyParser } from '@koa/bodyparser';
import type { AppMiddleware } from './state.js';

/** Options of the JSON body parser. */
export interface JsonBodyOptions {
  /** BODY_LIMIT, e.g. `100kb`: bigger bodies are refused with 413 before they are buffered whole. */
  limit: string;
}

/**
 * Parses JSON request bodies (the only kind the API takes) up to the configured limit. Errors
 * (too large, malformed) are thrown to the error middleware, which renders 413 / 400.
 */
export function jsonBody(options: JsonBodyOptions): AppMiddleware {
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: options.limit,
    jsonStrict: true,
    encoding: 'utf-8',
  }) as unknown as AppMiddleware;
}
