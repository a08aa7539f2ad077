import { AuditQuerySchema, type AuditAction, type AuditQueryInput } from '@careloop/shared/contracts/audit';

/** What the screen asks `GET /staff/audit` for (the contract's input, `limit` as the number it is). */
export type AuditPageRequest = Omit<AuditQueryInput, 'limit'> & { limit?: number };

/** The audit filters as typed on the screen: dates are Asia/Shanghai calendar days, YYYY-MM-DD. */
export interface AuditFilterValues {
  patientId: string;
  action: AuditAction | '';
  fromDate: string;
  toDate: string;
}

/** No filter: the newest events. */
export const NO_AUDIT_FILTERS: AuditFilterValues = { patientId: '', action: '', fromDate: '', toDate: '' };

/** Events per page the screen asks for. */
export const AUDIT_PAGE_SIZE = 20;

const DAY_MS = 24 * 60 * 60 * 1000;

/** "2026-03-09" → the next calendar day, "2026-03-10". */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * Turns the filters into the API query, or says what is wrong. A day range covers whole days
 * in Beijing time: `from` is the first day's midnight, `to` (exclusive) the midnight after the
 * last day. The shared schema checks the result, so its messages are the server's own.
 */
export function auditQuery(values: AuditFilterValues): { ok: true; query: AuditPageRequest } | { ok: false; message: string } {
  if (values.fromDate && values.toDate && values.fromDate > values.toDate) return { ok: false, message: '开始日期不能晚于结束日期' };
  const query: AuditPageRequest = { limit: AUDIT_PAGE_SIZE };
  const patientId = values.patientId.trim();
  if (patientId) query.patientId = patientId;
  if (values.action) query.action = values.action;
  if (values.fromDate) query.from = `${values.fromDate}T00:00:00+08:00`;
  if (values.toDate) query.to = `${nextDay(values.toDate)}T00:00:00+08:00`;
  const parsed = AuditQuerySchema.safeParse(query);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? '筛选条件不正确' };
  return { ok: true, query };
}
