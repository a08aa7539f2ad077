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
import {
  AccountResponseSchema,
  AuthConfigResponseSchema,
  AuthPaths,
  AuthTokensResponseSchema,
  PhoneBindingResponseSchema,
  type Account,
  type AuthConfigResponse,
  type AuthTokensResponse,
  type PhoneBindingResponse,
  type UpdateAccountRequest,
} from '@careloop/shared';
import { API_ERROR_TEXT, ApiError } from './api-error';
import { clearSession, getSession, setSession, updateSessionAccount } from './session';

// WeChat forbids `new Function`; tell zod up front instead of letting it probe for it.
z.config({ jitless: true });

/** Base URL of the BFF, fixed at build time ('' on H5: same origin). */
export const API_BASE_URL: string = CARELOOP_API_BASE_URL;

/** Requests give up after this long; the hospital systems behind the BFF can be slow. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Prefix of the versioned API; the auth, patient and staff contracts' paths are relative to it. */
export const API_V1 = '/api/v1';

/** Options one call may override. */
export interface RequestOptions {
  timeoutMs?: number;
}

/** HTTP methods the BFF uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of `requestJson`. */
export interface JsonRequestOptions extends RequestOptions {
  body?: unknown;
  /**
   * `patient` (default) attaches the patient's access token when there is one, refreshes it once
   * on a 401 `expired` and retries, and on a refused refresh signs out and opens the login page.
   * `none` sends no token and treats a 401 as any other error (public and staff endpoints).
   */
  auth?: 'patient' | 'none';
  /**
   * A bearer token of the caller's own, sent with `auth: 'none'` (the staff area keeps its own
   * session apart from the patient's; a 401 is then the caller's to handle).
   */
  bearer?: string;
}

/**
 * GETs a JSON resource and validates it with a shared contract schema. Every failure becomes an
 * ApiError: the BFF's `{ error: { code, message } }`, a network failure, a time-out, or a body
 * that does not match the contract. Public: no token is sent.
 */
export function getJson<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
  return requestJson('GET', path, schema, { ...options, auth: 'none' });
}

/**
 * The one request function: sends JSON, validates the answer with `schema` (null for a 204),
 * and handles the patient session (see `JsonRequestOptions.auth`).
 */
export function requestJson<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, options?: JsonRequestOptions): Promise<z.output<S>>;
export function requestJson(method: HttpMethod, path: string, schema: null, options?: JsonRequestOptions): Promise<void>;
export async function requestJson<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  schema: S | null,
  options: JsonRequestOptions = {},
): Promise<z.output<S> | void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const withAuth = (options.auth ?? 'patient') === 'patient';
  const attempt = (token: string | undefined) =>
    send({ url: `${API_BASE_URL}${path}`, method, body: options.body, token, timeoutMs });

  const sentToken = withAuth ? getSession()?.accessToken : options.bearer;
  let response = await attempt(sentToken);
  if (withAuth && response.statusCode === 401) {
    const reason = unauthenticatedReason(response.data);
    if (reason === 'expired' && sentToken) {
      const fresh = await refreshOnce(timeoutMs);
      response = await attempt(fresh);
      if (response.statusCode === 401) signedOut();
    } else if (reason === 'invalid' || (reason === 'missing' && !sentToken)) {
      signedOut();
    }
  }
  const { statusCode, data } = response;
  if (statusCode < 200 || statusCode >= 300) throw httpError(statusCode, data);
  if (!schema) return;
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

function unauthenticatedReason(body: unknown): 'missing' | 'expired' | 'invalid' | undefined {
  const parsed = ErrorResponseSchema.safeParse(body);
  if (!parsed.success || parsed.data.error.code !== 'unauthenticated') return undefined;
  const details = parsed.data.error.details;
  const reason = details && typeof details === 'object' && 'reason' in details ? details.reason : undefined;
  return reason === 'missing' || reason === 'expired' || reason === 'invalid' ? reason : 'invalid';
}

// Several requests may find the access token expired at once; they share one refresh, because
// refresh tokens rotate and presenting one twice revokes the whole family (refresh_token_reused).
let refreshing: Promise<string> | null = null;

function refreshOnce(timeoutMs: number): Promise<string> {
  refreshing ??= (async () => {
    const session = getSession();
    if (!session) throw signedOutError();
    const res = await send({
      url: `${API_BASE_URL}${API_V1}${AuthPaths.refresh}`,
      method: 'POST',
      body: { refreshToken: session.refreshToken },
      timeoutMs,
    });
    if (res.statusCode === 401 || res.statusCode === 400) {
      signedOut();
      throw httpError(res.statusCode, res.data);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw httpError(res.statusCode, res.data);
    const parsed = AuthTokensResponseSchema.safeParse(res.data);
    if (!parsed.success) throw new ApiError({ kind: 'invalid_response', code: 'invalid_response', message: API_ERROR_TEXT.invalid_response });
    setSession(parsed.data);
    return parsed.data.accessToken;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function signedOutError(): ApiError {
  return new ApiError({ kind: 'http', code: 'unauthenticated', message: '登录已失效，请重新登录', status: 401 });
}

/** Forgets the tokens and opens the login page (once, however many requests noticed). */
function signedOut(): void {
  clearSession();
  if (onSignedOut) onSignedOut();
}

let onSignedOut: (() => void) | null = null;

/** Lets the app decide what "send the user to the login page" means (set once at launch). */
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

/** What the platform hands back before we validate it. */
type ResponseBody = string | TaroGeneral.IAnyObject | ArrayBuffer | null;
interface RawResponse {
  statusCode: number;
  data: unknown;
}

interface SendInit {
  url: string;
  method: HttpMethod;
  body?: unknown;
  token?: string;
  timeoutMs: number;
}

/** Sends the request and races it against our own timer, so a time-out is told apart from a
 *  network failure the same way on every platform (weapp and H5 report them differently). */
function send({ url, method, body, token, timeoutMs }: SendInit): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const header: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) header['Content-Type'] = 'application/json';
    if (token) header.Authorization = `Bearer ${token}`;
    const task = Taro.request<ResponseBody>({
      url,
      // Taro's union of methods has no PATCH on every platform's typings, but both weapp and H5 send it.
      method: method as 'GET',
      data: body as TaroGeneral.IAnyObject | undefined,
      dataType: 'json',
      header,
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

/** The patient sign-in endpoints; login and logout also update the stored session. */
export const authApi = {
  config: (options?: RequestOptions): Promise<AuthConfigResponse> =>
    requestJson('GET', `${API_V1}${AuthPaths.config}`, AuthConfigResponseSchema, { ...options, auth: 'none' }),
  /** Exchanges a `wx.login` code (or `sandbox:<name>` in the sandbox) for a session. */
  wechatLogin: async (code: string): Promise<AuthTokensResponse> => {
    const tokens = await requestJson('POST', `${API_V1}${AuthPaths.wechatLogin}`, AuthTokensResponseSchema, { body: { code }, auth: 'none' });
    setSession(tokens);
    return tokens;
  },
  /** Revokes the refresh token on the server (best effort) and forgets the session here. */
  logout: async (): Promise<void> => {
    const session = getSession();
    clearSession();
    if (!session) return;
    try {
      await requestJson('POST', `${API_V1}${AuthPaths.logout}`, null, { body: { refreshToken: session.refreshToken }, auth: 'none' });
    } catch {
      // Offline or already revoked: the device has forgotten the tokens either way.
    }
  },
  me: async (): Promise<Account> => {
    const { account } = await requestJson('GET', `${API_V1}${AuthPaths.me}`, AccountResponseSchema);
    updateSessionAccount(account);
    return account;
  },
  updateMe: async (changes: UpdateAccountRequest): Promise<Account> => {
    const { account } = await requestJson('PATCH', `${API_V1}${AuthPaths.me}`, AccountResponseSchema, { body: changes });
    updateSessionAccount(account);
    return account;
  },
  /**
   * Binds the phone behind a getPhoneNumber code (`sandbox-phone:<digits>` in the sandbox) and
   * keeps the masked phone with the session, so 我的 shows it at once.
   */
  bindPhone: async (code: string): Promise<PhoneBindingResponse> => {
    const bound = await requestJson('POST', `${API_V1}${AuthPaths.wechatPhone}`, PhoneBindingResponseSchema, { body: { code } });
    const session = getSession();
    if (session) updateSessionAccount({ ...session.account, phoneMasked: bound.phoneMasked });
    return bound;
  },
};
