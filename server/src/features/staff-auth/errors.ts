import { AppError, type AppErrorOptions } from '../../http/errors.js';

/** 401: wrong username, password or TOTP code — one message for all, so nothing is revealed. */
export class InvalidCredentialsError extends AppError {
  override readonly name = 'InvalidCredentialsError';
  constructor(options?: AppErrorOptions) {
    super('invalid_credentials', 401, '用户名或密码错误', options);
  }
}

/** 401: the password was right but this account also needs its authenticator code. */
export class TotpRequiredError extends AppError {
  override readonly name = 'TotpRequiredError';
  constructor(options?: AppErrorOptions) {
    super('totp_required', 401, '该账号需要动态验证码，请打开身份验证器输入 6 位验证码', options);
  }
}

/** 423: too many failed logins; `details.lockedUntil` says when the account opens again. */
export class AccountLockedError extends AppError {
  override readonly name = 'AccountLockedError';
  constructor(lockedUntil: Date, options?: Omit<AppErrorOptions, 'details'>) {
    super('account_locked', 423, `登录失败次数过多，账号已临时锁定，请于 ${shanghaiTime(lockedUntil)}（北京时间）后重试`, {
      ...options,
      details: { lockedUntil: lockedUntil.toISOString() },
    });
  }
}

/** 401: no staff token, or one that is invalid, expired, revoked, or not a staff token. */
export class StaffUnauthenticatedError extends AppError {
  override readonly name = 'StaffUnauthenticatedError';
  constructor(options?: AppErrorOptions) {
    super('unauthenticated', 401, '请先使用工作人员账号登录（登录已失效或无效）', options);
  }
}

/** 403: a staff member whose role may not do this. */
export class StaffForbiddenError extends AppError {
  override readonly name = 'StaffForbiddenError';
  constructor(options?: AppErrorOptions) {
    super('forbidden', 403, '当前账号的角色无权执行此操作，如需权限请联系管理员', options);
  }
}

/** `2026-11-25 09:25` in Asia/Shanghai, rounded up to the minute (never earlier than the unlock). */
function shanghaiTime(instant: Date): string {
  const minute = new Date(Math.ceil(instant.getTime() / 60_000) * 60_000);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(minute);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
