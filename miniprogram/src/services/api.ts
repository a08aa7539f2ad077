import Taro from '@tarojs/taro';
import { z } from 'zod';
import {
  DepartmentListResponseSchema,
  DirectoryPaths,
  DoctorListResponseSchema,
  DoctorProfileResponseSchema,
  ErrorResponseSchema,
  InstitutionListResponseSchema,
  type DepartmentListResponse,
  type DoctorListResponse,
  type DoctorProfileResponse,
  type InstitutionListResponse,
} from '@careloop/shared';
import { API_ERROR_TEXT, ApiError } from './api-error';

// WeChat forbids `new Function`; tell zod up front instead of letting it probe for it.
z.config({ jitless: true });

/** Base URL of the BFF, fixed at build time ('' on H5: same origin). */
export const API_BASE_URL: string = CARELOOP_API_BASE_URL;

/** Requests give up after this long; the hospital systems behind the BFF can be slow. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options one call may override. */
export interface RequestOptions {
  timeoutMs?: number;
}

/**
 * GETs a JSON resource and validates it with a shared contract schema. Every failure becomes an
 * ApiError: the BFF's `{ error: { code, message } }`, a network failure, a time-out, or a body
 * that does not match the contract.
 */
export async function getJson<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const response = await send(`${API_BASE_URL}${path}`, timeoutMs);
  const { statusCode, data } = response;
  if (statusCode < 200 || statusCode >= 300) throw httpError(statusCode, data);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ApiError({
      kind: 'invalid_response',
      code: 'invalid_response',
      message: API_ERROR_TEXT.invalid_response,
      status: statusCode,
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

/** What the platform hands back before we validate it. */
type ResponseBody = string | TaroGeneral.IAnyObject | ArrayBuffer | null;
interface RawResponse {
  statusCode: number;
  data: unknown;
}

/** Sends the request and races it against our own timer, so a time-out is told apart from a
 *  network failure the same way on every platform (weapp and H5 report them differently). */
function send(url: string, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const task = Taro.request<ResponseBody>({
      url,
      method: 'GET',
      dataType: 'json',
      header: { Accept: 'application/json' },
      // The platform's own timer is a backstop; ours fires first.
      timeout: timeoutMs + 1_000,
    });
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      task.abort?.();
      reject(new ApiError({ kind: 'timeout', code: 'timeout', message: API_ERROR_TEXT.timeout }));
    }, timeoutMs);
    task.then(
      (res) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode, data: res.data });
      },
      (cause: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const timedOut = /timeout/i.test(errMsg(cause));
        reject(
          new ApiError(
            timedOut
              ? { kind: 'timeout', code: 'timeout', message: API_ERROR_TEXT.timeout, cause }
              : { kind: 'network', code: 'network_error', message: API_ERROR_TEXT.network, cause },
          ),
        );
      },
    );
  });
}

function errMsg(cause: unknown): string {
  if (cause && typeof cause === 'object' && 'errMsg' in cause && typeof cause.errMsg === 'string') return cause.errMsg;
  return cause instanceof Error ? cause.message : '';
}

function httpError(status: number, body: unknown): ApiError {
  const parsed = ErrorResponseSchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError({ kind: 'http', code, message, status, details });
  }
  return new ApiError({ kind: 'http', code: `http_${status}`, message: API_ERROR_TEXT.server, status });
}

/** The directory endpoints, typed by the shared contracts. */
export const directoryApi = {
  institutions: (options?: RequestOptions): Promise<InstitutionListResponse> =>
    getJson(DirectoryPaths.institutions, InstitutionListResponseSchema, options),
  departments: (institutionId: string, options?: RequestOptions): Promise<DepartmentListResponse> =>
    getJson(DirectoryPaths.departments(institutionId), DepartmentListResponseSchema, options),
  doctors: (departmentId: string, options?: RequestOptions): Promise<DoctorListResponse> =>
    getJson(DirectoryPaths.doctors(departmentId), DoctorListResponseSchema, options),
  doctor: (doctorId: string, options?: RequestOptions): Promise<DoctorProfileResponse> =>
    getJson(DirectoryPaths.doctor(doctorId), DoctorProfileResponseSchema, options),
};
