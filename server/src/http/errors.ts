/**
 * The one error family of the BFF. Every failure a client may see is an `AppError` with a stable
 * snake_case `code` it can branch on, an HTTP status, and a message (Chinese, patient-facing) that
 * says what went wrong and what to do. The error middleware renders them all the same way.
 */

/** Options every AppError accepts. */
export interface AppErrorOptions {
  /** Machine-readable specifics, e.g. the fields that failed validation. Sent to the client. */
  details?: unknown;
  /** The underlying error; logged, never sent. */
  cause?: unknown;
}

/** Base of every error the API renders on purpose. */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  /** Stable snake_case code, e.g. `not_found`. */
  readonly code: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** Sent to the client as `error.details`. */
  readonly details?: unknown;

  constructor(code: string, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** 404: the thing asked for does not exist (message names what, e.g. 未找到该科室). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(message = '未找到请求的内容', options?: AppErrorOptions) {
    super('not_found', 404, message, options);
  }
}

/** One field that failed validation, as `error.details` lists them. */
export interface FieldIssue {
  /** Where: `params.id`, `query.page`, `body.patient.name`. */
  path: string;
  /** zod's issue code, e.g. `invalid_format`, `unrecognized_keys`. */
  code: string;
  message: string;
}

/** 400: the request does not match its schema; `details` lists the fields at fault. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  declare readonly details: FieldIssue[];
  constructor(issues: FieldIssue[], message?: string, options?: Omit<AppErrorOptions, 'details'>) {
    const where = issues.map((issue) => issue.path).join('、');
    super('invalid_request', 400, message ?? `请求参数有误（${where}），请检查后重试`, { ...options, details: issues });
  }
}

/** 400: the body could not be parsed (malformed JSON). */
export class MalformedBodyError extends AppError {
  override readonly name = 'MalformedBodyError';
  constructor(options?: AppErrorOptions) {
    super('invalid_json', 400, '请求内容不是有效的 JSON，请检查后重试', options);
  }
}

/** 413: the body is bigger than BODY_LIMIT. */
export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limit: string, options?: AppErrorOptions) {
    super('payload_too_large', 413, `请求内容过大（上限 ${limit}），请精简后重试`, options);
  }
}

/** 409: the request lost a race or contradicts the current state (e.g. a slot already taken). */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(message = '操作冲突，请刷新后重试', options?: AppErrorOptions & { code?: string }) {
    super(options?.code ?? 'conflict', 409, message, options);
  }
}

/** 503: the hospital systems cannot be reached (down, erroring, or the circuit is open). */
export class HospitalUnavailableError extends AppError {
  override readonly name = 'HospitalUnavailableError';
  constructor(message = '医院系统暂时无法访问，请稍后再试', options?: AppErrorOptions) {
    super('hospital_unavailable', 503, message, options);
  }
}

/** 504: the hospital systems did not answer in time. */
export class HospitalTimeoutError extends AppError {
  override readonly name = 'HospitalTimeoutError';
  constructor(message = '医院系统响应超时，请稍后再试', options?: AppErrorOptions) {
    super('hospital_timeout', 504, message, options);
  }
}

/** 502: the hospital systems answered with something we cannot use. */
export class HospitalBadResponseError extends AppError {
  override readonly name = 'HospitalBadResponseError';
  constructor(message = '医院系统返回了无法识别的数据，请稍后再试', options?: AppErrorOptions) {
    super('hospital_bad_response', 502, message, options);
  }
}

/** 503: our own database is unreachable. */
export class ServiceUnavailableError extends AppError {
  override readonly name = 'ServiceUnavailableError';
  constructor(message = '服务暂时不可用，请稍后再试', options?: AppErrorOptions) {
    super('service_unavailable', 503, message, options);
  }
}
