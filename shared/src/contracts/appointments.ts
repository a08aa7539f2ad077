import { z } from 'zod';

/**
 * Booking and payment contracts (预约挂号 + 微信支付). Money is integer fen; instants are
 * ISO-8601 with offset (shown in Asia/Shanghai); a calendar date is `YYYY-MM-DD` in Shanghai.
 *
 * A slot is one 15-minute time of one doctor's half-day session (上午/下午). Each slot belongs
 * to a channel: `public` (anyone online), `referral` (reserved for referrals from alliance
 * members; released to the public a configurable time before the session), or `priority`
 * (elderly 65+, disabled: booked by staff by phone or on site).
 */

const Instant = z.iso.datetime({ offset: true });
const Fen = z.number().int().nonnegative();
const Id = z.string().trim().min(1).max(128);

/** A Shanghai calendar date, `YYYY-MM-DD`. */
export const LocalDateSchema = z.iso.date({ error: '日期格式应为 YYYY-MM-DD' });

/** Quota channel of a slot. */
export const BookingChannelSchema = z.enum(['public', 'referral', 'priority']);
/** A quota channel. */
export type BookingChannel = z.infer<typeof BookingChannelSchema>;

/**
 * Why a slot cannot be booked now (the screen greys it out and says this):
 * - `booked_out` 已约满; `past` 已过就诊时间; `closed` 已停止预约 (too close to the visit);
 * - `not_open_yet` 尚未放号 (`opensAt` says when); `session_stopped` 医生停诊;
 * - `referral_reserved` 转诊预留 (released at `opensAt`); `priority_reserved` 优先通道 (staff only).
 */
export const SlotUnavailableReasonSchema = z.enum([
  'booked_out',
  'past',
  'closed',
  'not_open_yet',
  'session_stopped',
  'referral_reserved',
  'priority_reserved',
]);
/** Why a slot is not bookable. */
export type SlotUnavailableReason = z.infer<typeof SlotUnavailableReasonSchema>;

/** One slot as `GET /doctors/:id/slots` lists it. */
export const SlotSchema = z.object({
  id: Id,
  start: Instant,
  end: Instant,
  /** Registration fee in fen. */
  fee: Fen,
  /** Places left for the caller's channel (0 when booked out). */
  remaining: z.number().int().nonnegative(),
  bookable: z.boolean(),
  channel: BookingChannelSchema,
  /** Present when `bookable` is false. */
  reason: SlotUnavailableReasonSchema.optional(),
  /** The reason in Chinese, ready to show. */
  reasonText: z.string().optional(),
  /** When the slot opens to the public (not yet open, or a referral reserve to be released). */
  opensAt: Instant.optional(),
  /** `morning` or `afternoon` session of the day. */
  period: z.enum(['morning', 'afternoon']),
});
/** A bookable (or greyed-out) slot. */
export type Slot = z.infer<typeof SlotSchema>;

/** The rules in force for an institution, shown before a patient books. */
export const BookingRulesSchema = z.object({
  /** Booking opens this many days ahead… */
  openDaysAhead: z.number().int().positive(),
  /** …at this Shanghai time, `HH:mm`. */
  openTime: z.string().regex(/^\d{2}:\d{2}$/),
  /** An unpaid hold is released after this many minutes. */
  payWithinMinutes: z.number().int().positive(),
  /** Free cancellation until this many hours before the visit. */
  cancelCutoffHours: z.number().int().nonnegative(),
  /** Online booking stops this many minutes before a slot starts. */
  closeMinutesBefore: z.number().int().nonnegative(),
  /** At most this many active (unpaid or booked, not yet visited) appointments per patient. */
  maxActivePerPatient: z.number().int().positive(),
  /** One active appointment per patient per doctor per day. */
  onePerDoctorPerDay: z.literal(true),
  /** Booking attempts allowed per account (and per patient) per minute. */
  attemptsPerMinute: z.number().int().positive(),
  /** `threshold` no-shows within `windowDays` pause online booking for `pauseDays`. */
  noShow: z.object({
    threshold: z.number().int().positive(),
    windowDays: z.number().int().positive(),
    pauseDays: z.number().int().positive(),
  }),
  /** Every rule above as one Chinese sentence each, in the order the confirm page shows them. */
  texts: z.array(z.string()),
});
/** Booking rules of an institution. */
export type BookingRules = z.infer<typeof BookingRulesSchema>;

/** `GET /doctors/:id/slots?date=YYYY-MM-DD`. */
export const SlotListQuerySchema = z.strictObject({
  date: LocalDateSchema,
  /** The channel to count places for; default `public`. */
  channel: BookingChannelSchema.optional(),
});
/** Slot list query. */
export type SlotListQuery = z.infer<typeof SlotListQuerySchema>;

/** The answer of `GET /doctors/:id/slots`. */
export const SlotListResponseSchema = z.object({
  doctorId: Id,
  date: LocalDateSchema,
  items: z.array(SlotSchema),
  rules: BookingRulesSchema,
  /** True when every slot of the day is taken and the waitlist (候补) is open for it. */
  waitlistOpen: z.boolean(),
  /** True when the hospital system could not be reached and counts may be out of date. */
  stale: z.boolean(),
});
/** Slots of a doctor's day. */
export type SlotListResponse = z.infer<typeof SlotListResponseSchema>;

/** `POST /appointments` — hold a slot for a patient (pending payment). */
export const AppointmentCreateSchema = z.strictObject({
  slotId: Id,
  patientId: Id,
  /** Default `public`; `referral` needs a referral, `priority` is booked by staff. */
  channel: BookingChannelSchema.optional(),
});
/** A booking request. */
export type AppointmentCreate = z.infer<typeof AppointmentCreateSchema>;

/**
 * Where an appointment stands:
 * - `pending_payment` — the slot is held until `payBy`;
 * - `confirming` — paid, being registered with the hospital (retried; refunded if it fails);
 * - `booked` — registered at the hospital: come to the visit;
 * - `cancelled` — cancelled by the patient, by staff (停诊) or because registration failed;
 * - `expired` — not paid by `payBy`; the slot went back;
 * - `completed` / `no_show` — after the visit.
 */
export const AppointmentStatusSchema = z.enum([
  'pending_payment',
  'confirming',
  'booked',
  'cancelled',
  'expired',
  'completed',
  'no_show',
]);
/** Appointment status. */
export type AppointmentStatus = z.infer<typeof AppointmentStatusSchema>;

/** Payment state: `unpaid` → `paid`; `closed` when the order expired unpaid. */
export const PaymentStatusSchema = z.enum(['unpaid', 'paid', 'closed']);
/** Refund state, tracked until WeChat Pay says `succeeded` (or `failed`, which staff handle). */
export const RefundStatusSchema = z.enum(['processing', 'succeeded', 'failed']);

/** The views of 我的预约. */
export const AppointmentViewSchema = z.enum(['upcoming', 'past', 'cancelled']);
/** A view of the appointment list. */
export type AppointmentView = z.infer<typeof AppointmentViewSchema>;

/** An appointment as the patient sees it. */
export const AppointmentSchema = z.object({
  id: Id,
  status: AppointmentStatusSchema,
  /** The status in Chinese, e.g. 待支付, 已预约, 已取消. */
  statusText: z.string(),
  channel: BookingChannelSchema,
  patient: z.object({ id: Id, name: z.string() }),
  doctor: z.object({ id: Id, name: z.string(), titleText: z.string() }),
  department: z.object({ id: Id, name: z.string() }),
  institution: z.object({ id: Id, name: z.string(), address: z.string() }),
  slotId: Id,
  start: Instant,
  end: Instant,
  /** Registration fee in fen. */
  amount: Fen,
  /** An unpaid hold is released at this instant. */
  payBy: Instant,
  createdAt: Instant,
  payment: z.object({
    status: PaymentStatusSchema,
    paidAt: Instant.nullable(),
  }),
  refund: z
    .object({
      status: RefundStatusSchema,
      amount: Fen,
      requestedAt: Instant,
      succeededAt: Instant.nullable(),
      /** Why the money is going back, in Chinese (patient cancelled, 停诊, registration failed). */
      reasonText: z.string(),
    })
    .nullable(),
  /** Whether the patient may cancel now, and the rule that applies (shown next to the button). */
  cancel: z.object({
    allowed: z.boolean(),
    /** Free cancellation until this instant. */
    freeUntil: Instant,
    ruleText: z.string(),
  }),
  /** After registration: where to go and what to show. */
  visit: z
    .object({
      /** Queue number at the hospital (就诊序号). */
      queueNumber: z.number().int().positive(),
      /** Code to show or scan at the kiosk (就诊码). */
      visitCode: z.string(),
      location: z.string(),
      instructions: z.array(z.string()),
    })
    .nullable(),
  cancelledAt: Instant.nullable(),
  /** Why it was cancelled, in Chinese. */
  cancelReasonText: z.string().nullable(),
});
/** An appointment. */
export type Appointment = z.infer<typeof AppointmentSchema>;

/** `GET /appointments?view=upcoming|past|cancelled`. */
export const AppointmentListQuerySchema = z.strictObject({
  view: AppointmentViewSchema.optional(),
});
/** The account's appointments (all its patients), soonest first for upcoming, newest first otherwise. */
export const AppointmentListSchema = z.object({ items: z.array(AppointmentSchema) });
/** A list of appointments. */
export type AppointmentList = z.infer<typeof AppointmentListSchema>;

/** `POST /appointments/:id/cancel`. */
export const AppointmentCancelSchema = z.strictObject({
  reason: z.string().trim().max(200, { error: '取消原因不能超过200字' }).optional(),
});

/**
 * `POST /appointments/:id/pay` — the parameters of `Taro.requestPayment` (JSAPI, signed with
 * the merchant key), plus the order number. In the sandbox, `sandboxCashierUrl` is the page
 * where the person confirms the payment (H5 has no WeChat Pay).
 */
export const PaymentParamsSchema = z.object({
  appointmentId: Id,
  outTradeNo: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
  sandboxCashierUrl: z.string().optional(),
});
/** Payment parameters. */
export type PaymentParams = z.infer<typeof PaymentParamsSchema>;

/** Waitlist (候补) entry state. */
export const WaitlistStatusSchema = z.enum(['waiting', 'offered', 'booked', 'expired', 'cancelled']);

/** `POST /waitlist` — wait for a doctor's day (or any doctor of a department that day). */
export const WaitlistJoinSchema = z
  .strictObject({
    patientId: Id,
    date: LocalDateSchema,
    doctorId: Id.optional(),
    departmentId: Id.optional(),
  })
  .refine((v) => (v.doctorId === undefined) !== (v.departmentId === undefined), {
    error: '请选择候补的医生或科室（二选一）',
    path: ['doctorId'],
  });
/** A waitlist request. */
export type WaitlistJoin = z.infer<typeof WaitlistJoinSchema>;

/** A waitlist entry. */
export const WaitlistEntrySchema = z.object({
  id: Id,
  status: WaitlistStatusSchema,
  statusText: z.string(),
  patient: z.object({ id: Id, name: z.string() }),
  date: LocalDateSchema,
  doctorId: Id.nullable(),
  departmentId: Id,
  /** 1-based place in the queue while waiting. */
  position: z.number().int().positive().nullable(),
  createdAt: Instant,
  /** While `offered`: the held appointment to pay before `payBy`. */
  offer: z.object({ appointmentId: Id, payBy: Instant }).nullable(),
});
/** A waitlist entry. */
export type WaitlistEntry = z.infer<typeof WaitlistEntrySchema>;

/** `GET /waitlist`. */
export const WaitlistListSchema = z.object({ items: z.array(WaitlistEntrySchema) });

/**
 * Stable `error.code`s of the booking API, so the screens can branch on them (the message is
 * Chinese and names the rule):
 * - `slot_unavailable` 409 — the place is gone (lost the race, booked out, or taken at the hospital);
 *   `details.reason` is a {@link SlotUnavailableReason} when the slot is not bookable for another reason;
 * - `booking_not_open` 409 — booking for that day has not opened (`details.opensAt`);
 * - `booking_closed` 409 — too close to (or past) the visit; `session_stopped` 409 — 停诊;
 * - `channel_reserved` 409 — a referral/priority place the caller may not take;
 * - `duplicate_doctor_day` 409 — the patient already has an active appointment with that doctor that day;
 * - `active_limit_reached` 409 — the patient has the most active appointments allowed;
 * - `rate_limited` 429 — too many booking attempts a minute (per account, per patient);
 * - `booking_paused_no_show` 403 — online booking paused after no-shows (`details.pausedUntil`);
 * - `not_payable` / `payment_expired` 409 — the appointment cannot be paid (any more);
 * - `cancel_cutoff_passed` 409 — free cancellation ended (`details.freeUntil`); `not_cancellable` 409;
 * - `waitlist_exists` / `waitlist_not_needed` / `waitlist_closed` 409 — waitlist rules;
 * - `slot_not_found` 404 — no such slot (list the doctor's slots first);
 * - `invalid_signature` 401 / `invalid_notification` 400 / `unknown_order` 404 / `amount_mismatch` 400 /
 *   `merchant_mismatch` 400 — a refused WeChat Pay notify (nothing changes).
 */
export const BookingErrorCodeSchema = z.enum([
  'slot_unavailable',
  'booking_not_open',
  'booking_closed',
  'session_stopped',
  'channel_reserved',
  'duplicate_doctor_day',
  'active_limit_reached',
  'rate_limited',
  'booking_paused_no_show',
  'not_payable',
  'payment_expired',
  'cancel_cutoff_passed',
  'not_cancellable',
  'waitlist_exists',
  'waitlist_not_needed',
  'waitlist_closed',
  'slot_not_found',
  'invalid_signature',
  'invalid_notification',
  'unknown_order',
  'amount_mismatch',
  'merchant_mismatch',
]);
/** A booking error code. */
export type BookingErrorCode = z.infer<typeof BookingErrorCodeSchema>;

/** Where the H5 app shows the outcome of a payment (the sandbox cashier returns there). */
export const bookingResultPage = (appointmentId: string) =>
  `/packages/booking/pages/result/index?id=${encodeURIComponent(appointmentId)}`;

/** Paths of the booking API, relative to `/api/v1`. */
export const BookingPaths = {
  slots: (doctorId: string) => `/doctors/${encodeURIComponent(doctorId)}/slots`,
  appointments: '/appointments',
  appointment: (id: string) => `/appointments/${encodeURIComponent(id)}`,
  pay: (id: string) => `/appointments/${encodeURIComponent(id)}/pay`,
  cancel: (id: string) => `/appointments/${encodeURIComponent(id)}/cancel`,
  wechatPayNotify: '/payments/wechat/notify',
  waitlist: '/waitlist',
  waitlistEntry: (id: string) => `/waitlist/${encodeURIComponent(id)}`,
} as const;
