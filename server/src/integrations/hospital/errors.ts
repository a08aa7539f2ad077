/**
 * The one error family the hospital adapters throw. The BFF maps `code` to an HTTP response
 * (unavailable/timeout → 503/504, conflict → 409, not found → 404, bad response → 502), so the
 * codes are a contract: never rename them. `message` is Chinese because it can reach a patient;
 * the technical detail (status, OperationOutcome text, validation issue) travels in `cause`.
 */

/** Stable codes, one per way the hospital side can fail us. */
export type HospitalSystemErrorCode =
  | 'hospital_unavailable'
  | 'hospital_timeout'
  | 'hospital_bad_response'
  | 'hospital_conflict'
  | 'hospital_not_found';

/** Patient-facing default messages, one per code. */
export const hospitalErrorMessages: Readonly<Record<HospitalSystemErrorCode, string>> = {
  hospital_unavailable: '医院系统暂时无法访问，请稍后再试',
  hospital_timeout: '医院系统响应超时，请稍后再试',
  hospital_bad_response: '医院系统返回的数据有误，请稍后再试',
  hospital_conflict: '该号源已被占用，请选择其他时段',
  hospital_not_found: '未在医院系统中找到相关记录',
};

/** Options beyond the code: the HTTP status the hospital answered with, a message, the cause. */
export interface HospitalSystemErrorOptions {
  status?: number;
  message?: string;
  cause?: unknown;
}

/** A failure talking to a hospital system, classified so callers can branch on `code`. */
export class HospitalSystemError extends Error {
  override readonly name = 'HospitalSystemError';
  readonly code: HospitalSystemErrorCode;
  /** The HTTP status the hospital answered with, when it answered at all. */
  readonly status?: number;

  constructor(code: HospitalSystemErrorCode, options: HospitalSystemErrorOptions = {}) {
    super(options.message ?? hospitalErrorMessages[code], { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Type guard that also narrows on the code, e.g. `isHospitalSystemError(e, 'hospital_conflict')`. */
export function isHospitalSystemError(
  error: unknown,
  code?: HospitalSystemErrorCode,
): error is HospitalSystemError {
  return error instanceof HospitalSystemError && (code === undefined || error.code === code);
}
