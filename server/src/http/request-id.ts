import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { AppMiddleware } from './state.js';

/** The header a client or proxy may send and that we always send back. */
export const requestIdHeader = 'X-Request-Id';

/** Short, printable, no spaces: anything else might be log injection and is replaced. */
const saneRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives each request an id: the incoming `X-Request-Id` when it looks sane (so a gateway's id
 * follows the request through our logs), otherwise a fresh UUID. The id is echoed in the
 * response and bound to `ctx.state.log`, so every line a request writes can be found together.
 */
export function requestId(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get(requestIdHeader);
    const id = saneRequestId.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ requestId: id });
    ctx.set(requestIdHeader, id);
    await next();
  };
}
