import { z } from 'zod';
import { parseResidentId, validateHkMacaoPermit, validatePassport } from '../domain/id-card.js';

/**
 * Patient (就诊人) contracts: one WeChat account manages several people — itself and family
 * members (一人绑卡全家). Requests carry the identity number in full; responses only ever carry
 * it masked (the presenter masks with `domain/masking`). Messages are Chinese because the
 * mini-program shows them next to the field the error path names.
 */

/** How the person relates to the account holder managing them. */
export const PatientRelationshipSchema = z.enum(['self', 'spouse', 'parent', 'child', 'other']);
/** A patient's relationship to the managing account. */
export type PatientRelationship = z.infer<typeof PatientRelationshipSchema>;

/** Identity documents a patient can be registered with. */
export const PatientIdTypeSchema = z.enum(['resident_id', 'passport', 'hk_macao_permit']);
/** An identity document type. */
export type PatientIdType = z.infer<typeof PatientIdTypeSchema>;

/** Sex as encoded in a resident identity number. */
export const PatientGenderSchema = z.enum(['male', 'female']);
/** A patient's sex. */
export type PatientGender = z.infer<typeof PatientGenderSchema>;

/**
 * A person's name as on the identity document: 1–30 characters (UTF-16 code units) after
 * trimming; Chinese characters including rare ones, Latin letters, spaces and the middle dot of transliterated names
 * (`买买提·艾力`). The Japanese-style dot `・` some keyboards produce is normalised to `·`.
 */
export const PatientNameSchema = z
  .string({ error: '请填写姓名' })
  .trim()
  .min(1, { error: '请填写姓名' })
  .max(30, { error: '姓名不能超过30个字' })
  // CJK Unified Ideographs with extensions A–H and compatibility ideographs: rare characters
  // (生僻字, e.g. 𠮷) are common in names and live outside the BMP, hence the `u` flag.
  .regex(/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{323af}A-Za-z·・ ]+$/u, {
    error: '姓名只能包含汉字、字母、空格和间隔号“·”',
  })
  .transform((name) => name.replace(/・/g, '·'));

/** A mainland mobile number, 11 digits starting 13–19 (no country prefix). */
export const MainlandMobileSchema = z
  .string({ error: '请填写手机号' })
  .trim()
  .regex(/^1[3-9]\d{9}$/, { error: '手机号应为11位中国大陆手机号码' });

function healthList(what: string) {
  return z
    .array(
      z
        .string()
        .trim()
        .min(1, { error: `${what}不能为空` })
        .max(50, { error: `每项${what}不能超过50个字` }),
    )
    .max(20, { error: `${what}最多填写20项` });
}

/** Allergies (过敏史): up to 20 items of up to 50 characters. */
export const AllergiesSchema = healthList('过敏史');
/** Chronic conditions (慢性病): up to 20 items of up to 50 characters. */
export const ChronicConditionsSchema = healthList('慢性病');

/**
 * Checks `idNumber` against the rules of `idType` and returns its normalised form (upper case,
 * no spaces), or the Chinese reason it was refused. Resident numbers are checked against the
 * current date — the only clock this package reads — so a birth date in the future is refused.
 */
export function checkPatientIdNumber(
  idType: PatientIdType,
  idNumber: string,
  today: Date = new Date(),
): { ok: true; number: string } | { ok: false; message: string } {
  const result =
    idType === 'resident_id'
      ? parseResidentId(idNumber, today)
      : idType === 'passport'
        ? validatePassport(idNumber)
        : validateHkMacaoPermit(idNumber);
  return result.ok ? { ok: true, number: result.value.number } : { ok: false, message: result.message };
}

/** Runs an object-level refinement only when the fields themselves parsed cleanly. */
function onlyIfNoIssues(payload: { issues: readonly unknown[] }): boolean {
  return payload.issues.length === 0;
}

/**
 * `POST /patients` — add a person to the account. Unknown fields are refused (the owner and
 * the managing accounts come from the session, never from the body). The identity number is
 * checked by its type and comes out normalised (`11010519491231002x` → `…002X`), so the server
 * stores and indexes one spelling.
 */
export const PatientCreateSchema = z
  .strictObject({
    relationship: PatientRelationshipSchema,
    name: PatientNameSchema,
    idType: PatientIdTypeSchema,
    idNumber: z.string({ error: '请填写证件号码' }).trim().min(1, { error: '请填写证件号码' }).max(32, {
      error: '证件号码过长，请核对后重新输入',
    }),
    phone: MainlandMobileSchema.optional(),
    allergies: AllergiesSchema.optional(),
    chronicConditions: ChronicConditionsSchema.optional(),
  })
  .superRefine(
    (value, ctx) => {
      const checked = checkPatientIdNumber(value.idType, value.idNumber);
      if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: checked.message });
    },
    // Only a well-formed request is worth checking; otherwise the field errors already say why.
    { when: onlyIfNoIssues },
  )
  .transform((value) => {
    const checked = checkPatientIdNumber(value.idType, value.idNumber);
    return checked.ok ? { ...value, idNumber: checked.number } : value;
  });
/** A valid request to add a patient, identity number normalised. */
export type PatientCreate = z.infer<typeof PatientCreateSchema>;
/** What a client sends to add a patient. */
export type PatientCreateInput = z.input<typeof PatientCreateSchema>;

const IDENTITY_IS_FIXED = '证件类型和证件号码不能修改；如需更换证件，请新建就诊人';

/**
 * `PATCH /patients/:id` — change any of the editable fields; at least one must be present.
 * The identity document cannot change: a different document means a different person, so the
 * client creates a new patient instead (sending `idType` or `idNumber` is refused by name).
 * `phone: null` removes the phone number.
 */
export const PatientUpdateSchema = z
  .strictObject(
    {
      relationship: PatientRelationshipSchema.optional(),
      name: PatientNameSchema.optional(),
      phone: MainlandMobileSchema.nullable().optional(),
      allergies: AllergiesSchema.optional(),
      chronicConditions: ChronicConditionsSchema.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' &&
        issue.keys.some((key) => key === 'idType' || key === 'idNumber')
          ? IDENTITY_IS_FIXED
          : undefined,
    },
  )
  .refine((value) => Object.values(value).some((field) => field !== undefined), {
    error: '没有需要修改的内容',
    when: onlyIfNoIssues,
  });
/** A valid patient update. */
export type PatientUpdate = z.infer<typeof PatientUpdateSchema>;

/** How an account holds a patient: registered it (`owner`) or acts for its owner (`proxy`). */
export const PatientAccessSchema = z.enum(['owner', 'proxy']);
/** An account's relation to a patient it sees. */
export type PatientAccess = z.infer<typeof PatientAccessSchema>;

/**
 * A patient as the API returns it: identity number and phone masked (`110***********1234`,
 * `138****5678`). `gender` and `birthDate` come from a resident identity number and are null
 * for passports and permits, which do not encode them.
 */
export const PatientSchema = z.object({
  id: z.string(),
  relationship: PatientRelationshipSchema,
  name: z.string(),
  gender: PatientGenderSchema.nullable(),
  /** YYYY-MM-DD, a calendar date. */
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  idType: PatientIdTypeSchema,
  idNumberMasked: z.string(),
  phoneMasked: z.string().optional(),
  allergies: z.array(z.string()),
  chronicConditions: z.array(z.string()),
  /** ISO-8601 with offset. */
  createdAt: z.iso.datetime({ offset: true }),
  /**
   * How the signed-in account holds this patient: `proxy` when another account registered the
   * patient and this one acts for them (家人代办, via an accepted invitation); absent for the
   * account's own patients (read a missing `access` as `owner`). A proxy reads and changes the
   * patient but cannot delete it or manage its proxies.
   */
  access: PatientAccessSchema.optional(),
});
/** A patient in an API response (masked). */
export type Patient = z.infer<typeof PatientSchema>;

/** `GET /patients` — the people the account manages. */
export const PatientListSchema = z.object({ items: z.array(PatientSchema) });
/** The list of patients an account manages. */
export type PatientList = z.infer<typeof PatientListSchema>;

/**
 * Proxy (家人代办) paths relative to `/api/v1`: the owner invites another account to act for a
 * patient with a one-time code; the other account accepts it; the owner lists and revokes.
 */
export const ProxyPaths = {
  /** `POST` (owner): a new invitation for the patient → {@link ProxyInvitationSchema} (201). */
  invitations: (patientId: string) => `/patients/${patientId}/proxy-invitations`,
  /** `POST` {@link ProxyInvitationAcceptSchema} → the patient, with `access: 'proxy'`. */
  accept: '/proxy-invitations/accept',
  /** `GET` (owner) → {@link PatientProxyListSchema}. */
  proxies: (patientId: string) => `/patients/${patientId}/proxies`,
  /** `DELETE` (owner) → 204; the account no longer sees the patient. */
  proxy: (patientId: string, accountId: string) => `/patients/${patientId}/proxies/${accountId}`,
} as const;

/** How long an invitation code can be accepted. */
export const PROXY_INVITATION_TTL_MINUTES = 10;

/** Letters and digits of an invitation code: upper case, without the look-alikes 0/O, 1/I/L. */
export const PROXY_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** An invitation code: 8 characters of {@link PROXY_CODE_ALPHABET}. */
export const ProxyCodeSchema = z
  .string({ error: '请输入邀请码' })
  // Read aloud or typed from a chat: case, spaces and dashes do not matter.
  .transform((code) => code.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/, { error: '邀请码应为8位字母或数字，请核对后重新输入' }));

/** `POST /patients/:id/proxy-invitations` (201): the code to pass on, shown once. */
export const ProxyInvitationSchema = z.object({
  code: z.string(),
  /** ISO-8601 with offset; 10 minutes after creation. */
  expiresAt: z.iso.datetime({ offset: true }),
});
/** A proxy invitation as its creator sees it. */
export type ProxyInvitation = z.infer<typeof ProxyInvitationSchema>;

/** `POST /proxy-invitations/accept`. */
export const ProxyInvitationAcceptSchema = z.strictObject({ code: ProxyCodeSchema });
/** A valid accept request. */
export type ProxyInvitationAccept = z.infer<typeof ProxyInvitationAcceptSchema>;

/** An account that acts for a patient. */
export const PatientProxySchema = z.object({
  accountId: z.string(),
  /** The account's nickname, when it set one. */
  nickname: z.string().optional(),
  /** When the invitation was accepted, ISO-8601 with offset. */
  since: z.iso.datetime({ offset: true }),
});
/** A proxy of a patient. */
export type PatientProxy = z.infer<typeof PatientProxySchema>;

/** `GET /patients/:id/proxies` — oldest first. */
export const PatientProxyListSchema = z.object({ items: z.array(PatientProxySchema) });
/** The proxies of a patient. */
export type PatientProxyList = z.infer<typeof PatientProxyListSchema>;
