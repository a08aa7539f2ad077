import Taro from '@tarojs/taro';
import type { z } from 'zod';
import { AuditEventPageSchema, AuditPaths, type AuditEventPage } from '@careloop/shared/contracts/audit';
import { ReconciliationPaths, ReconciliationReportSchema, type ReconciliationReport } from '@careloop/shared/contracts/reconciliation';
import {
  SessionPaths,
  SessionStopResultSchema,
  StaffSessionListSchema,
  StaffSessionSchema,
  type SessionQuotaUpdate,
  type SessionStopResult,
  type StaffSession,
} from '@careloop/shared/contracts/sessions';
import {
  StaffAuthPaths,
  StaffLoginResponseSchema,
  StaffMeResponseSchema,
  type StaffLoginRequest,
  type StaffLoginResponse,
  type StaffProfile,
} from '@careloop/shared/contracts/staff';
import { API_V1, requestJson, type HttpMethod } from '../../services/api';
import { ApiError, toApiError } from '../../services/api-error';
import type { AuditPageRequest } from './audit-filters';
import { clearStaffSession, getStaffSession, isStaffSessionLive, setStaffSession } from './staff-session';
import { staffRoutes, type StaffLoginReason } from './staff-routes';

/** Said on the login page when the app sent the staff member back there. */
export const STAFF_LOGIN_REASON_TEXT: Record<StaffLoginReason, string> = {
  expired: '登录已过期，请重新登录',
  invalid: '登录已失效（可能已在其他地方退出），请重新登录',
};

/**
 * Ends the staff session here and opens the login page, saying why when the app (not the user)
 * ended it. Several requests or a page guard may notice at once; only the first navigates.
 */
export function staffSignedOut(reason?: StaffLoginReason): void {
  clearStaffSession();
  const now = Date.now();
  if (now - lastSignOutAt < 1_000) return;
  lastSignOutAt = now;
  const pages = Taro.getCurrentPages();
  const top = pages[pages.length - 1];
  if (!reason && top && `/${String(top.route ?? '').replace(/^\//, '')}`.startsWith(staffRoutes.login())) return;
  void Taro.reLaunch({ url: staffRoutes.login(reason) });
}

let lastSignOutAt = 0;

/**
 * The staff area's request helper: the stored staff token as an explicit bearer, never the
 * patient's session logic. An expired session is not sent at all; a 401 from the server ends
 * the session. Either way the login page opens with a message and the caller gets an ApiError.
 */
export async function staffRequest<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  schema: S,
  options: { body?: unknown } = {},
): Promise<z.output<S>> {
  const session = getStaffSession();
  if (!isStaffSessionLive(session)) {
    staffSignedOut('expired');
    throw new ApiError({ kind: 'http', code: 'unauthenticated', message: STAFF_LOGIN_REASON_TEXT.expired, status: 401 });
  }
  try {
    return await requestJson(method, `${API_V1}${path}`, schema, { ...options, auth: 'none', bearer: session.accessToken });
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.status === 401) staffSignedOut(isStaffSessionLive(getStaffSession()) ? 'invalid' : 'expired');
    throw apiError;
  }
}

/** A query string from the defined values, e.g. `?action=read&limit=20`. */
function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** `POST /staff/auth/logout` with a token; offline or already revoked is fine (the browser forgot it). */
async function revoke(accessToken: string): Promise<void> {
  try {
    await requestJson('POST', `${API_V1}${StaffAuthPaths.logout}`, null, { auth: 'none', bearer: accessToken });
  } catch {
    // Nothing to do: the token is gone from this browser and expires on its own.
  }
}


/** Staff sign-in, the session, the admin audit log, 号源管理 and 对账. */
export const staffApi = {
  /**
   * No token is sent and a 401 (wrong password, `totp_required`) is just an error here. Success
   * stores the new session; a previous one still live on this browser is revoked on the server.
   */
  login: async (body: StaffLoginRequest): Promise<StaffLoginResponse> => {
    const previous = getStaffSession();
    const session = await requestJson('POST', `${API_V1}${StaffAuthPaths.login}`, StaffLoginResponseSchema, { body, auth: 'none' });
    setStaffSession(session);
    if (isStaffSessionLive(previous)) await revoke(previous.accessToken);
    return session;
  },
  /** Forgets the session here and revokes it on the server (best effort). */
  logout: async (): Promise<void> => {
    const session = getStaffSession();
    clearStaffSession();
    if (isStaffSessionLive(session)) await revoke(session.accessToken);
  },
  me: async (): Promise<StaffProfile> => (await staffRequest('GET', StaffAuthPaths.me, StaffMeResponseSchema)).staff,
  /** One page of the audit log, newest first (institution admins: their institution only). */
  audit: (query: AuditPageRequest): Promise<AuditEventPage> =>
    staffRequest('GET', `${AuditPaths.list}${queryString({ ...query })}`, AuditEventPageSchema),
  /** A doctor's sessions of one day with places per channel (`date`: Shanghai YYYY-MM-DD). */
  sessions: async (doctorId: string, date: string): Promise<StaffSession[]> =>
    (await staffRequest('GET', `${SessionPaths.sessions}${queryString({ doctorId, date })}`, StaffSessionListSchema)).items,
  /** Changes how many of a session's places are kept for referrals and the priority channel. */
  setQuota: (sessionId: string, body: SessionQuotaUpdate): Promise<StaffSession> =>
    staffRequest('PUT', SessionPaths.quota(sessionId), StaffSessionSchema, { body }),
  /** 停诊: the server cancels, refunds and notifies every booked patient. */
  stopSession: (sessionId: string, reason: string): Promise<SessionStopResult> =>
    staffRequest('POST', SessionPaths.stop(sessionId), SessionStopResultSchema, { body: { reason } }),
  /** The mismatches of a Shanghai day (admins: their institution; alliance admins: all). */
  reconciliation: (date: string): Promise<ReconciliationReport> =>
    staffRequest('GET', `${ReconciliationPaths.report}${queryString({ date })}`, ReconciliationReportSchema),
};
