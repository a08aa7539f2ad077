import { z } from 'zod';
import { LocalDateSchema } from './appointments.js';
import { checkPatientIdNumber, MainlandMobileSchema, PatientNameSchema } from './patients.js';

/**
 * Staff contracts of booking (号源管理): a doctor's half-day sessions with their places per
 * channel, changing the channel split (referral reserve, priority channel), stopping a session
 * (停诊: booked patients are cancelled, refunded and notified). Staff routes live under
 * `/api/v1/staff`, behind the staff sign-in; a staff member sees only their own institution
 * (an alliance admin every member).
 *
 * A session's places are the hospital's slots (one patient per 15-minute slot). A scheduler
 * changes how they are split between the channels, and adds places (加号): the hospital creates
 * extra slots at the session's times and they are bookable by the public at once.
 */

const Instant = z.iso.datetime({ offset: true });
const Id = z.string().trim().min(1).max(128);

/** Places of a session per channel (one per hospital slot). */
export const ChannelCountsSchema = z.object({
  public: z.number().int().nonnegative(),
  referral: z.number().int().nonnegative(),
  priority: z.number().int().nonnegative(),
});
/** Places per channel. */
export type ChannelCounts = z.infer<typeof ChannelCountsSchema>;

/** A doctor's half-day session as the staff area shows it. */
export const StaffSessionSchema = z.object({
  /** `doctorId|YYYY-MM-DD|morning` */
  id: Id,
  doctor: z.object({ id: Id, name: z.string(), titleText: z.string() }),
  departmentId: Id,
  institutionId: Id,
  date: LocalDateSchema,
  period: z.enum(['morning', 'afternoon']),
  start: Instant,
  end: Instant,
  /** Fee in fen. */
  fee: z.number().int().nonnegative(),
  /** Places per channel (slots the hospital offers; busy ones at the hospital count as taken). */
  quota: ChannelCountsSchema,
  /** Places held or booked through CareLoop, or taken at the hospital, per channel. */
  taken: ChannelCountsSchema,
  /** When an unused referral reserve opens to the public. */
  referralReleaseAt: Instant,
  stopped: z.boolean(),
  stoppedAt: Instant.nullable(),
  stopReason: z.string().nullable(),
});
/** A staff view of a session. */
export type StaffSession = z.infer<typeof StaffSessionSchema>;

/** `GET /staff/sessions?doctorId=&date=`. */
export const StaffSessionListQuerySchema = z.strictObject({
  doctorId: Id,
  date: LocalDateSchema,
});
/** Sessions of a doctor's day. */
export const StaffSessionListSchema = z.object({ items: z.array(StaffSessionSchema) });
/** Sessions of a doctor's day. */
export type StaffSessionList = z.infer<typeof StaffSessionListSchema>;

/**
 * `PUT /staff/sessions/:id/quota` — how many of the session's places are kept for referrals and
 * for the priority channel; the rest are public. Places already taken keep their channel.
 */
export const SessionQuotaUpdateSchema = z.strictObject({
  referral: z.number().int().min(0).max(200),
  priority: z.number().int().min(0).max(200),
});
/** A quota change. */
export type SessionQuotaUpdate = z.infer<typeof SessionQuotaUpdateSchema>;

/** `POST /staff/sessions/:id/stop` — 停诊, with the reason patients are told. */
export const SessionStopSchema = z.strictObject({
  reason: z.string().trim().min(1, { error: '请填写停诊原因' }).max(200, { error: '停诊原因不能超过200字' }),
});
/** A stop request. */
export type SessionStop = z.infer<typeof SessionStopSchema>;

/** What stopping a session did. */
export const SessionStopResultSchema = z.object({
  session: StaffSessionSchema,
  /** Appointments cancelled (each patient notified; paid ones refunded). */
  cancelled: z.number().int().nonnegative(),
  /** Of those, refunds requested. */
  refunds: z.number().int().nonnegative(),
});
/** The result of stopping a session. */
export type SessionStopResult = z.infer<typeof SessionStopResultSchema>;

/** Most places one 加号 request may add. */
export const MAX_ADDED_PLACES = 100;

/**
 * `POST /staff/sessions/:id/places` — 加号: either `count` places, or `percent` of the session's
 * current places (rounded up, e.g. +30% of 16 → 5). The new places are public.
 */
export const SessionPlacesAddSchema = z
  .strictObject({
    count: z
      .number({ error: '加号数量须为整数' })
      .int({ error: '加号数量须为整数' })
      .min(1, { error: '加号数量至少为1' })
      .max(MAX_ADDED_PLACES, { error: `一次最多加${MAX_ADDED_PLACES}个号` })
      .optional(),
    percent: z
      .number({ error: '加号比例须为整数百分比' })
      .int({ error: '加号比例须为整数百分比' })
      .min(1, { error: '加号比例至少为1%' })
      .max(100, { error: '加号比例不能超过100%' })
      .optional(),
  })
  .refine((v) => (v.count === undefined) !== (v.percent === undefined), {
    error: '请填写加号数量或比例（二选一）',
    path: ['count'],
  });
/** A 加号 request. */
export type SessionPlacesAdd = z.infer<typeof SessionPlacesAddSchema>;

/** What 加号 did. */
export const SessionPlacesResultSchema = z.object({
  session: StaffSessionSchema,
  /** Places added (now public and bookable). */
  added: z.number().int().nonnegative(),
});
/** The result of 加号. */
export type SessionPlacesResult = z.infer<typeof SessionPlacesResultSchema>;

/** Who the priority channel (优先号) is for: 65 and over on the visit date, or disabled. */
export const PriorityReasonSchema = z.enum(['elderly', 'disabled']);
/** A priority reason. */
export type PriorityReason = z.infer<typeof PriorityReasonSchema>;

/** The age from which the priority channel serves a patient as elderly, on the visit date. */
export const PRIORITY_ELDERLY_AGE = 65;

/**
 * `POST /staff/appointments` — a scheduler books a priority place (优先号) for a hospital patient
 * by phone or at the desk. The patient is identified by resident ID (checked by its checksum and
 * normalised); `elderly` is derived from the ID's birth date on the visit date, `disabled` needs
 * the staff member's note that the disability certificate (残疾证) was seen. Nothing is paid
 * online: the fee is paid at the hospital window.
 */
export const StaffAppointmentCreateSchema = z
  .strictObject({
    slotId: Id,
    patient: z.strictObject({
      name: PatientNameSchema,
      idType: z.literal('resident_id', { error: '优先预约请使用居民身份证' }),
      idNumber: z.string({ error: '请填写身份证号' }).trim().min(1, { error: '请填写身份证号' }).max(32, {
        error: '身份证号过长，请核对后重新输入',
      }),
      phone: MainlandMobileSchema.optional(),
    }),
    reason: PriorityReasonSchema,
    note: z.string().trim().max(200, { error: '备注不能超过200字' }).optional(),
  })
  .superRefine((value, ctx) => {
    const checked = checkPatientIdNumber('resident_id', value.patient.idNumber);
    if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['patient', 'idNumber'], message: checked.message });
    if (value.reason === 'disabled' && !value.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: '残疾人优先预约请在备注中注明已查验残疾证' });
    }
  })
  .transform((value) => {
    const checked = checkPatientIdNumber('resident_id', value.patient.idNumber);
    return checked.ok ? { ...value, patient: { ...value.patient, idNumber: checked.number } } : value;
  });
/** A priority booking request, the ID number normalised. */
export type StaffAppointmentCreate = z.infer<typeof StaffAppointmentCreateSchema>;
/** What the staff page sends. */
export type StaffAppointmentCreateInput = z.input<typeof StaffAppointmentCreateSchema>;

/** A priority appointment as staff see it (the ID number masked). */
export const StaffAppointmentSchema = z.object({
  id: Id,
  status: z.enum(['booked']),
  channel: z.literal('priority'),
  reason: PriorityReasonSchema,
  patient: z.object({ name: z.string(), idNumberMasked: z.string() }),
  doctor: z.object({ id: Id, name: z.string(), titleText: z.string() }),
  department: z.object({ id: Id, name: z.string() }),
  institution: z.object({ id: Id, name: z.string() }),
  sessionId: Id,
  slotId: Id,
  start: Instant,
  end: Instant,
  /** 就诊序号. */
  queueNumber: z.number().int().positive(),
  /** Fee in fen, paid at the hospital window. */
  amount: z.number().int().nonnegative(),
  payment: z.literal('at_window'),
  hospitalRegistration: z.literal('confirmed'),
  createdAt: Instant,
});
/** A staff-booked priority appointment. */
export type StaffAppointment = z.infer<typeof StaffAppointmentSchema>;

/** Paths of the staff booking API, relative to `/api/v1`. */
export const SessionPaths = {
  sessions: '/staff/sessions',
  appointments: '/staff/appointments',
  quota: (id: string) => `/staff/sessions/${encodeURIComponent(id)}/quota`,
  stop: (id: string) => `/staff/sessions/${encodeURIComponent(id)}/stop`,
  places: (id: string) => `/staff/sessions/${encodeURIComponent(id)}/places`,
} as const;
