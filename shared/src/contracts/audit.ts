import { z } from 'zod';
import { StaffRoleSchema } from './staff.js';

/**
 * Audit-log contracts. Every staff read or write of a patient's data and every export is
 * recorded — allowed or not — in an append-only log (PIPL: access to sensitive personal
 * information must be traceable). Institution admins read their institution's events, the
 * alliance admin reads everyone's: `GET /api/v1/staff/audit`.
 */

/** Staff audit paths relative to `/api/v1`. */
export const AuditPaths = {
  list: '/staff/audit',
} as const;

/** What the staff member did or tried to do: the patient-access policy's actions. */
export const AuditActionSchema = z.enum(['read', 'write', 'export']);
/** An audited action. */
export type AuditAction = z.infer<typeof AuditActionSchema>;

/**
 * How it ended: `allowed` (the data was served), `denied` (the policy refused; `reason` says
 * why), `failed` (no decision could be made, e.g. the hospital systems were unreachable).
 */
export const AuditOutcomeSchema = z.enum(['allowed', 'denied', 'failed']);
/** The outcome of an audited access. */
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

/** The rule of the patient-access policy that decided (`no_relation`: none did, 404). */
export const AuditRuleSchema = z.enum(['owner', 'proxy', 'alliance_admin', 'institution_staff', 'no_relation']);
/** A patient-access rule id. */
export type AuditRule = z.infer<typeof AuditRuleSchema>;

/**
 * Why access was not given: the policy's denial reasons, or `facts_unavailable` when the facts
 * the policy needs (e.g. where the patient was seen) could not be gathered.
 */
export const AuditReasonSchema = z.enum([
  'not_found',
  'action_not_permitted',
  'consent_withdrawn',
  'consent_required',
  'facts_unavailable',
]);
/** A denial (or failure) reason. */
export type AuditReason = z.infer<typeof AuditReasonSchema>;

/**
 * What was accessed: `patient` (the patient record as staff see it), `patient.export` (a
 * download of the patient's data). Later features add their own (e.g. `patient.report`).
 */
export const AuditResourceSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/).max(64);

/** One audit event as the API returns it. */
export const AuditEventSchema = z.object({
  id: z.string(),
  /** When it happened, ISO-8601 with offset. */
  at: z.iso.datetime({ offset: true }),
  /** The `X-Request-Id` of the request, to find its log lines. */
  requestId: z.string(),
  staffId: z.string(),
  role: StaffRoleSchema,
  /** The staff member's institution (`alliance` for the alliance admin). */
  institutionId: z.string(),
  /** The patient (就诊人) id asked for (as given, even when no such patient exists). */
  patientId: z.string(),
  action: AuditActionSchema,
  resource: AuditResourceSchema,
  outcome: AuditOutcomeSchema,
  /** The policy rule that decided; null when no decision was made (`failed`). */
  rule: AuditRuleSchema.nullable(),
  /** Why it was denied or failed; null when allowed. */
  reason: AuditReasonSchema.nullable(),
});
/** An audit event. */
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** Most events one page returns. */
export const MAX_AUDIT_PAGE_SIZE = 100;
/** Events per page when `limit` is not given. */
export const DEFAULT_AUDIT_PAGE_SIZE = 50;

/**
 * `GET /staff/audit` query: every filter optional and combined with AND; `from` inclusive, `to`
 * exclusive (ISO-8601 with offset); `cursor` is the `nextCursor` of the previous page, sent with
 * the same filters. Newest first.
 */
export const AuditQuerySchema = z
  .strictObject({
    patientId: z.string().trim().min(1).max(64).optional(),
    staffId: z.string().trim().min(1).max(64).optional(),
    action: AuditActionSchema.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE_SIZE).default(DEFAULT_AUDIT_PAGE_SIZE),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
    error: '开始时间必须早于结束时间',
    path: ['to'],
  });
/** A parsed audit query. */
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
/** What a client sends as the audit query. */
export type AuditQueryInput = z.input<typeof AuditQuerySchema>;

/** A page of audit events, newest first; `nextCursor` is null on the last page. */
export const AuditEventPageSchema = z.object({
  items: z.array(AuditEventSchema),
  nextCursor: z.string().nullable(),
});
/** A page of audit events. */
export type AuditEventPage = z.infer<typeof AuditEventPageSchema>;
