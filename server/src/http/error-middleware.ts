import type { ErrorResponse } from '@careloop/shared';
import { AppError, MalformedBodyError, NotFoundError, PayloadTooLargeError } from './errors.js';
import { appErrorFromHospital, isHospitalError } from './hospital-errors.js';
import type { AppMiddleware } from './state.js';

/** Options of the error middleware. */
export interface ErrorMiddlewareOptions {
  /** BODY_LIMIT as configured, named in the 413 message. */
  bodyLimit: string;
}

/** An error thrown by koa, its body parser (co-body/raw-body) or http-errors. */
interface HttpLikeError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

const codesByStatus: Record<number, [code: string, message: string]> = {
  400: ['bad_request', '请求有误，请检查后重试'],
  404: ['not_found', '未找到请求的内容'],
  405: ['method_not_allowed', '不支持该请求方法'],
  406: ['not_acceptable', '无法提供请求的格式'],
  415: ['unsupported_media_type', '不支持该请求内容类型，请使用 application/json'],
  501: ['not_implemented', '不支持该请求方法'],
};

/**
 * Turns anything thrown into an AppError: ours pass through, hospital-port errors map to
 * 503/504/502/409/404, body-parser errors to 400/413/415; anything else is `undefined` (a bug).
 */
export function toAppError(error: unknown, options: ErrorMiddlewareOptions): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isHospitalError(error)) return appErrorFromHospital(error);
  if (!(error instanceof Error)) return undefined;
  const httpError = error as HttpLikeError;
  const status = httpError.status ?? httpError.statusCode;
  if (status === undefined || status < 400 || status > 599) return undefined;
  if (status === 413 || httpError.type === 'entity.too.large') return new PayloadTooLargeError(options.bodyLimit, { cause: error });
  if (httpError.type === 'entity.parse.failed' || (status === 400 && error instanceof SyntaxError)) return new MalformedBodyError({ cause: error });
  if (status >= 500 && status !== 501) return undefined;
  const [code, message] = codesByStatus[status] ?? ['bad_request', '请求有误，请检查后重试'];
  return new AppError(code, status, message, { cause: error });
}

/**
 * Renders every error as `{ error: { code, message, details? } }`. Known errors keep their
 * status and code; unknown ones become a 500 `internal_error` with a generic Chinese message
 * carrying the request id — the stack goes to the log, never to the client. Also turns a
 * response nobody answered into the same 404 shape.
 */
export function errorMiddleware(options: ErrorMiddlewareOptions): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) throw new NotFoundError();
    } catch (thrown) {
      const known = toAppError(thrown, options);
      const log = ctx.state.log;
      let body: ErrorResponse;
      if (known) {
        if (known.status >= 500) log.warn({ err: known, cause: known.cause, code: known.code }, known.message);
        else log.debug({ code: known.code, status: known.status }, known.message);
        body = { error: { code: known.code, message: known.message } };
        if (known.details !== undefined) body.error.details = known.details;
        ctx.status = known.status;
      } else {
        log.error({ err: thrown }, 'unhandled error');
        body = { error: { code: 'internal_error', message: `服务器内部错误，请稍后再试（请求编号 ${ctx.state.requestId}）` } };
        ctx.status = 500;
      }
      // Headers an earlier middleware set for a success (e.g. caching) must not stick to an error.
      ctx.remove('Cache-Control');
      ctx.remove('Content-Disposition');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
    }
  };
}
