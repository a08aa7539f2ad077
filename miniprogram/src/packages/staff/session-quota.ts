import { SessionQuotaUpdateSchema, type SessionQuotaUpdate, type StaffSession } from '@careloop/shared/contracts/sessions';
import { totalPlaces } from './session-labels';

/** The two numbers a scheduler types: places kept for referrals and for the priority channel. */
export interface QuotaFormValues {
  referral: string;
  priority: string;
}

/** Where a quota message is shown: next to one of the fields, or under both. */
export type QuotaErrors = Partial<Record<keyof QuotaFormValues | 'form', string>>;

/** The form as the session stands. */
export function quotaFormOf(session: StaffSession): QuotaFormValues {
  return { referral: String(session.quota.referral), priority: String(session.quota.priority) };
}

/** A whole number of places, or null for anything else ("", "2.5", "-1", "三"). */
function places(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,4}$/.test(trimmed) ? Number(trimmed) : null;
}

/** The public places the split leaves, or null while a field is not a number. */
export function publicPlacesLeft(values: QuotaFormValues, session: StaffSession): number | null {
  const referral = places(values.referral);
  const priority = places(values.priority);
  if (referral === null || priority === null) return null;
  return totalPlaces(session.quota) - referral - priority;
}

/**
 * Checks the split before it is sent: whole numbers within the contract's range, and together
 * no more than the session's places (the server's own rule and wording). Whether places already
 * booked still fit is the server's to say (it knows which slots are booked through CareLoop); its
 * 409 comes back through `quotaServerErrors`.
 */
export function checkQuota(values: QuotaFormValues, session: StaffSession): { ok: true; body: SessionQuotaUpdate } | { ok: false; errors: QuotaErrors } {
  const errors: QuotaErrors = {};
  const referral = places(values.referral);
  const priority = places(values.priority);
  if (referral === null) errors.referral = '请输入 0 或正整数';
  if (priority === null) errors.priority = '请输入 0 或正整数';
  if (referral === null || priority === null) return { ok: false, errors };
  const parsed = SessionQuotaUpdateSchema.safeParse({ referral, priority });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === 'referral' || field === 'priority') && !errors[field]) errors[field] = '不能超过 200 个';
    }
    return { ok: false, errors };
  }
  const total = totalPlaces(session.quota);
  if (referral + priority > total) {
    return { ok: false, errors: { form: `该时段共${total}个号，转诊预留与优先号合计不能超过${total}个` } };
  }
  return { ok: true, body: parsed.data };
}

/**
 * Places a refused save's message: a 400 by the field its details name (`body.referral`), the
 * 409 `quota_does_not_fit` (booked places would not fit) under both fields, anything else too.
 */
export function quotaServerErrors(error: { status: number; code: string; message: string; details?: unknown }): QuotaErrors {
  if (error.status === 400 && Array.isArray(error.details)) {
    const errors: QuotaErrors = {};
    for (const d of error.details as unknown[]) {
      if (!d || typeof d !== 'object') continue;
      const { path, message } = d as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') continue;
      if (path === 'body.referral' && !errors.referral) errors.referral = message;
      else if (path === 'body.priority' && !errors.priority) errors.priority = message;
    }
    if (errors.referral || errors.priority) return errors;
  }
  return { form: error.message };
}
