import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from '../logging/logger.js';

/** What the HTTP middleware puts on `ctx.state` for the ones after it. */
export interface AppState {
  /** The request id (incoming `X-Request-Id` if sane, else generated); echoed in the response. */
  requestId: string;
  /** The logger bound to this request's id. */
  log: Logger;
  /** Parsed and validated params/query/body, set by `validate()`. */
  input: unknown;
}

/** The Koa context every CareLoop middleware sees. */
export type AppContext = ParameterizedContext<AppState>;

/** A CareLoop middleware. */
export type AppMiddleware = Middleware<AppState>;
