import { z } from 'zod';
import { LocalDateSchema } from './appointments.js';

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

/** Paths of the staff booking API, relative to `/api/v1`. */
export const SessionPaths = {
  sessions: '/staff/sessions',
  quota: (id: string) => `/staff/sessions/${encodeURIComponent(id)}/quota`,
  stop: (id: string) => `/staff/sessions/${encodeURIComponent(id)}/stop`,
  places: (id: string) => `/staff/sessions/${encodeURIComponent(id)}/places`,
} as const;
