/**
 * Failures of a call to WeChat, in two kinds the BFF treats differently: the user's one-time
 * code was refused (`invalid_code`: ask for a new one) or WeChat could not serve us
 * (`unavailable`: errors, time-outs, unreadable answers). Messages never carry the request URL,
 * which holds the AppSecret or an access token.
 */
export class WechatApiError extends Error {
  override readonly name = 'WechatApiError';
  constructor(
    readonly kind: 'invalid_code' | 'unavailable',
    message: string,
    /** WeChat's `errcode`, when it sent one. */
    readonly errcode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for errors from the WeChat client. */
export function isWechatApiError(error: unknown): error is WechatApiError {
  return error instanceof WechatApiError;
}
