/** How a request failed; screens pick wording and icons from it. */
export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'invalid_response';

/** Patient-facing texts for failures that carry no message from the server. */
export const API_ERROR_TEXT = {
  network: '网络异常，请检查网络后重试',
  timeout: '请求超时，请稍后重试',
  invalid_response: '数据格式异常，请稍后重试',
  server: '服务暂时不可用，请稍后重试',
} as const;

/**
 * The one error type the request wrapper throws. `message` is always Chinese and safe to show;
 * `code` is the BFF's stable snake_case code (or one of ours for transport failures).
 */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly code: string;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  readonly details?: unknown;

  constructor(init: { kind: ApiErrorKind; code: string; message: string; status?: number; details?: unknown; cause?: unknown }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status ?? 0;
    this.details = init.details;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }
}

/** Narrows anything thrown to an ApiError, wrapping bugs as a generic failure. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ kind: 'invalid_response', code: 'client_error', message: API_ERROR_TEXT.server, cause: error });
}
