import { z } from 'zod';

/**
 * Consent contracts. PIPL treats health data as sensitive personal information: processing
 * needs its own consent, sharing across alliance members needs another, and every WeChat
 * subscribe message needs the patient to have tapped "allow" for that template (one tap of a
 * one-time template = one send). Consents are records: granting creates one, withdrawing stamps
 * it; nothing is deleted, so the history is auditable.
 */

/**
 * What a consent covers:
 * - `health_data_processing` — an institution may process the patient's health data (separate
 *   consent for sensitive personal information);
 * - `alliance_sharing` — data recorded at one alliance member may be seen by the others
 *   (e.g. an allergy recorded at the county hospital shown to the community centre);
 * - `subscribe_message` — WeChat subscribe-message templates the patient allowed.
 */
export const ConsentKindSchema = z.enum(['health_data_processing', 'alliance_sharing', 'subscribe_message']);
/** A kind of consent. */
export type ConsentKind = z.infer<typeof ConsentKindSchema>;

/** WeChat subscribe-message template id (as issued in the WeChat console). */
export const SubscribeTemplateIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: '订阅消息模板ID格式不正确' });

/**
 * A subscribe-message template the patient allowed: `one_time` allows one message,
 * `long_term` (only for some categories, e.g. government and medical) allows many.
 */
export const SubscribeTemplateSchema = z.object({
  id: SubscribeTemplateIdSchema,
  kind: z.enum(['one_time', 'long_term']),
});
/** An allowed subscribe-message template. */
export type SubscribeTemplate = z.infer<typeof SubscribeTemplateSchema>;

/** WeChat's `wx.requestSubscribeMessage` accepts at most this many templates per call. */
export const MAX_TEMPLATES_PER_REQUEST = 5;

/** The version of the consent text the patient saw, e.g. `2026-01`. */
const ConsentVersionSchema = z
  .string({ error: '请提供同意书版本' })
  .trim()
  .min(1, { error: '请提供同意书版本' })
  .max(32, { error: '同意书版本号过长' });

/** Which patient (就诊人) the consent is about; absent means the account holder themself. */
const PatientIdSchema = z.string().trim().min(1).max(64);

/** Cross-field rules run only once the fields themselves parsed cleanly. */
function onlyIfNoIssues(payload: { issues: readonly unknown[] }): boolean {
  return payload.issues.length === 0;
}

function noDuplicateIds(ids: readonly string[]): boolean {
  return new Set(ids).size === ids.length;
}

/**
 * `POST /consents` — record a consent. `templateIds` is required for `subscribe_message`
 * (1–5 distinct templates, WeChat's limit per request, taken from the result of the tap) and
 * refused for the other kinds.
 */
export const ConsentGrantSchema = z
  .strictObject({
    kind: ConsentKindSchema,
    version: ConsentVersionSchema,
    patientId: PatientIdSchema.optional(),
    templateIds: z
      .array(SubscribeTemplateSchema)
      .min(1, { error: '请至少选择一个订阅消息模板' })
      .max(MAX_TEMPLATES_PER_REQUEST, { error: `每次最多订阅${MAX_TEMPLATES_PER_REQUEST}个消息模板` })
      .refine((templates) => noDuplicateIds(templates.map((t) => t.id)), { error: '订阅消息模板不能重复' })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.kind === 'subscribe_message' && value.templateIds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['templateIds'], message: '订阅消息授权需要提供模板ID' });
    }
    if (value.kind !== 'subscribe_message' && value.templateIds !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['templateIds'], message: '只有订阅消息授权需要模板ID' });
    }
  }, { when: onlyIfNoIssues });
/** A valid consent grant. */
export type ConsentGrant = z.infer<typeof ConsentGrantSchema>;

/**
 * `POST /consents/withdraw` — withdraw a consent. For `subscribe_message`, `templateIds` (ids
 * only; up to 5) withdraws those templates and leaving it out withdraws every template; it is
 * refused for the other kinds.
 */
export const ConsentWithdrawSchema = z
  .strictObject({
    kind: ConsentKindSchema,
    patientId: PatientIdSchema.optional(),
    templateIds: z
      .array(SubscribeTemplateIdSchema)
      .min(1, { error: '请至少选择一个订阅消息模板' })
      .max(MAX_TEMPLATES_PER_REQUEST, { error: `每次最多撤回${MAX_TEMPLATES_PER_REQUEST}个消息模板` })
      .refine(noDuplicateIds, { error: '订阅消息模板不能重复' })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.kind !== 'subscribe_message' && value.templateIds !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['templateIds'], message: '只有订阅消息授权需要模板ID' });
    }
  }, { when: onlyIfNoIssues });
/** A valid consent withdrawal. */
export type ConsentWithdraw = z.infer<typeof ConsentWithdrawSchema>;

/** A consent record as the API returns it. */
export const ConsentSchema = z.object({
  id: z.string(),
  kind: ConsentKindSchema,
  version: z.string(),
  /** The patient it is about; null for the account holder themself. */
  patientId: z.string().nullable(),
  /** ISO-8601 with offset. */
  grantedAt: z.iso.datetime({ offset: true }),
  withdrawnAt: z.iso.datetime({ offset: true }).nullable(),
  /** How it was withdrawn (e.g. `patient_request`, `proxy_request`), null while in force. */
  withdrawnHow: z.string().nullable(),
  /** The account that tapped: the patient, or a family member acting as proxy. */
  actingAccountId: z.string(),
  /** Subscribe-message templates covered; empty for the other kinds. */
  templateIds: z.array(SubscribeTemplateSchema),
});
/** A consent record. */
export type Consent = z.infer<typeof ConsentSchema>;

/** `GET /consents` — the account's consent records, newest first. */
export const ConsentListSchema = z.object({ items: z.array(ConsentSchema) });
/** A list of consent records. */
export type ConsentList = z.infer<typeof ConsentListSchema>;
