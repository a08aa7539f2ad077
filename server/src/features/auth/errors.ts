import { AppError, type AppErrorOptions } from '../../http/errors.js';

/**
 * Sign-in failures a patient can see, in the one AppError family (rendered by the error
 * middleware like every other error).
 */

/** 401: WeChat refused the `wx.login` code (invalid, expired or already used). */
export class InvalidWechatCodeError extends AppError {
  override readonly name = 'InvalidWechatCodeError';
  constructor(options?: AppErrorOptions) {
    super('invalid_wechat_code', 401, '微信登录凭证无效或已过期，请重新登录', options);
  }
}

/** 400: WeChat refused the phone code (invalid, expired or already used). */
export class InvalidPhoneCodeError extends AppError {
  override readonly name = 'InvalidPhoneCodeError';
  constructor(options?: AppErrorOptions) {
    super('invalid_phone_code', 400, '手机号授权凭证无效或已过期，请重新点击授权', options);
  }
}

/** 502: WeChat did not answer, answered with an error, or with something unreadable. */
export class WechatUnavailableError extends AppError {
  override readonly name = 'WechatUnavailableError';
  constructor(options?: AppErrorOptions) {
    super('wechat_unavailable', 502, '微信服务暂时无法访问，请稍后再试', options);
  }
}

/** Why a refresh token was refused; each has its own stable code. */
export type RefreshRefusal = 'invalid_refresh_token' | 'refresh_token_expired' | 'refresh_token_revoked' | 'refresh_token_reused';

const refusalMessages: Record<RefreshRefusal, string> = {
  invalid_refresh_token: '登录凭证无效，请重新登录',
  refresh_token_expired: '登录已过期，请重新登录',
  refresh_token_revoked: '您已退出登录，请重新登录',
  refresh_token_reused: '登录凭证已被使用，为保护账户安全已退出所有相关登录，请重新登录',
};

/** 401: the refresh token cannot be exchanged; the app must sign in again. */
export class RefreshTokenError extends AppError {
  override readonly name = 'RefreshTokenError';
  constructor(code: RefreshRefusal, options?: AppErrorOptions) {
    super(code, 401, refusalMessages[code], options);
  }
}
