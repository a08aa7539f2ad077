/**
 * What went wrong: `invalid_code` (a single-use code refused), `unavailable` (errors, time-outs,
 * unreadable answers); for subscribe messages also `refused` (43101: the user has not allowed
 * the template, or its one-time quota is used), `invalid_template` (40037: no such template
 * under our AppID) and `invalid_request` (openid, page or data refused: 40003, 41030, 47003).
 */
export type WechatApiErrorKind = 'invalid_code' | 'unavailable' | 'refused' | 'invalid_template' | 'invalid_request';

/**
 * Failures of a call to WeChat, by kind (see `WechatApiErrorKind`): sign-in tells a refused
 * code (`invalid_code`: ask for a new one) from WeChat not serving us (`unavailable`); patient
 * messages record the subscribe-message kinds. Messages never carry the request URL, which holds
 * the AppSecret or an access token, nor WeChat's errmsg, which may echo an openid.
 */
export class WechatApiError extends Error {
  override readonly name = 'WechatApiError';
  constructor(
    readonly kind: WechatApiErrorKind,
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
