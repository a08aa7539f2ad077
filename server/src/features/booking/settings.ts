import { z } from 'zod';

/**
 * Booking rules per institution. Defaults follow REFERENCE §5.2 example A (the 114 platform:
 * 7 days ahead, new days released at 15:00) with the no-show rule (3 in 90 days → 30
 * days paused) and the seed's referral reserve (25% of expert slots, released 24 h before the
 * session when unused). Every figure can be overridden per institution (BOOKING_INSTITUTION_RULES).
 */
export interface BookingRuleSettings {
  /** Booking opens this many days ahead… */
  openDaysAhead: number;
  /** …at this Shanghai time, `HH:mm`. */
  openTime: string;
  /** An unpaid hold is released after this many minutes. */
  payWithinMinutes: number;
  /** Free cancellation until this many hours before the visit. */
  cancelCutoffHours: number;
  /** Online booking of a slot stops this many minutes before it starts. */
  closeMinutesBefore: number;
  /** Most active (unpaid or booked, not yet visited) appointments per patient. */
  maxActivePerPatient: number;
  /** Booking attempts a minute, per account and per patient. */
  attemptsPerMinute: number;
  noShow: { threshold: number; windowDays: number; pauseDays: number };
  /** Share of an expert (associate chief / chief) session kept for referrals, in percent. */
  referralReservePercent: number;
  /** Per-department override of `referralReservePercent` (department id → percent). */
  referralReserveByDepartment: Record<string, number>;
  /** An unused referral place opens to the public this many hours before its session starts. */
  referralReleaseHours: number;
  /** Places per session kept for the priority channel (elderly, disabled; booked by staff). */
  prioritySlotsPerSession: number;
  /** How long a waitlist (候补) patient has to pay for an offered place, in minutes. */
  waitlistPayWithinMinutes: number;
}

/** The defaults (see the module comment). */
export const defaultBookingRules: BookingRuleSettings = {
  openDaysAhead: 7,
  openTime: '15:00',
  payWithinMinutes: 15,
  cancelCutoffHours: 24,
  closeMinutesBefore: 30,
  maxActivePerPatient: 5,
  attemptsPerMinute: 5,
  noShow: { threshold: 3, windowDays: 90, pauseDays: 30 },
  referralReservePercent: 25,
  referralReserveByDepartment: {},
  referralReleaseHours: 24,
  prioritySlotsPerSession: 2,
  waitlistPayWithinMinutes: 30,
};

const HHmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:mm');
const percent = z.number().int().min(0).max(100);

/** A partial rule set, as BOOKING_INSTITUTION_RULES gives one per institution. */
export const BookingRuleOverridesSchema = z.strictObject({
  openDaysAhead: z.number().int().min(1).max(90).optional(),
  openTime: HHmm.optional(),
  payWithinMinutes: z.number().int().min(1).max(120).optional(),
  cancelCutoffHours: z.number().int().min(0).max(720).optional(),
  closeMinutesBefore: z.number().int().min(0).max(1440).optional(),
  maxActivePerPatient: z.number().int().min(1).max(50).optional(),
  attemptsPerMinute: z.number().int().min(1).max(1000).optional(),
  noShow: z
    .strictObject({
      threshold: z.number().int().min(1).max(100),
      windowDays: z.number().int().min(1).max(366),
      pauseDays: z.number().int().min(1).max(366),
    })
    .optional(),
  referralReservePercent: percent.optional(),
  referralReserveByDepartment: z.record(z.string(), percent).optional(),
  referralReleaseHours: z.number().int().min(0).max(720).optional(),
  prioritySlotsPerSession: z.number().int().min(0).max(50).optional(),
  waitlistPayWithinMinutes: z.number().int().min(1).max(240).optional(),
});
/** Overrides of some rules. */
export type BookingRuleOverrides = z.infer<typeof BookingRuleOverridesSchema>;

/** BOOKING_INSTITUTION_RULES: institution id → overrides. */
export const InstitutionRulesSchema = z.record(z.string(), BookingRuleOverridesSchema);

/** Everything the booking feature is configured with. */
export interface BookingSettings {
  /** Rules where an institution has no override. */
  defaults: BookingRuleSettings;
  /** Institution id → overrides. */
  byInstitution: Record<string, BookingRuleOverrides>;
  /** After payment, how long registration at the hospital is retried before refunding (≤ 15 min). */
  registrationDeadlineMinutes: number;
  /** A doctor's day synced from the hospital this recently is served as is. */
  inventoryFreshMs: number;
}

/** The rules of one institution: its overrides over the defaults. */
export function rulesFor(settings: Pick<BookingSettings, 'defaults' | 'byInstitution'>, institutionId: string): BookingRuleSettings {
  const overrides = settings.byInstitution[institutionId];
  if (!overrides) return settings.defaults;
  return {
    ...settings.defaults,
    ...overrides,
    noShow: overrides.noShow ?? settings.defaults.noShow,
    referralReserveByDepartment: { ...settings.defaults.referralReserveByDepartment, ...overrides.referralReserveByDepartment },
  } as BookingRuleSettings;
}

/** The config variables the booking settings come from. */
export interface BookingConfig {
  BOOKING_OPEN_DAYS_AHEAD: number;
  BOOKING_OPEN_TIME: string;
  BOOKING_PAY_WITHIN_MINUTES: number;
  BOOKING_CANCEL_CUTOFF_HOURS: number;
  BOOKING_CLOSE_MINUTES_BEFORE: number;
  BOOKING_MAX_ACTIVE_PER_PATIENT: number;
  BOOKING_ATTEMPTS_PER_MINUTE: number;
  BOOKING_NO_SHOW_RULE: string;
  BOOKING_REFERRAL_RESERVE_PERCENT: number;
  BOOKING_REFERRAL_RELEASE_HOURS: number;
  BOOKING_PRIORITY_SLOTS_PER_SESSION: number;
  BOOKING_WAITLIST_PAY_MINUTES: number;
  BOOKING_INSTITUTION_RULES?: Record<string, BookingRuleOverrides> | undefined;
  BOOKING_REGISTRATION_DEADLINE_MINUTES: number;
  BOOKING_INVENTORY_FRESH_MS: number;
}

/** The booking settings of a parsed config. */
export function bookingSettingsFromConfig(config: BookingConfig): BookingSettings {
  const [threshold, windowDays, pauseDays] = config.BOOKING_NO_SHOW_RULE.split('/').map(Number) as [number, number, number];
  return {
    defaults: {
      ...defaultBookingRules,
      openDaysAhead: config.BOOKING_OPEN_DAYS_AHEAD,
      openTime: config.BOOKING_OPEN_TIME,
      payWithinMinutes: config.BOOKING_PAY_WITHIN_MINUTES,
      cancelCutoffHours: config.BOOKING_CANCEL_CUTOFF_HOURS,
      closeMinutesBefore: config.BOOKING_CLOSE_MINUTES_BEFORE,
      maxActivePerPatient: config.BOOKING_MAX_ACTIVE_PER_PATIENT,
      attemptsPerMinute: config.BOOKING_ATTEMPTS_PER_MINUTE,
      noShow: { threshold, windowDays, pauseDays },
      referralReservePercent: config.BOOKING_REFERRAL_RESERVE_PERCENT,
      referralReleaseHours: config.BOOKING_REFERRAL_RELEASE_HOURS,
      prioritySlotsPerSession: config.BOOKING_PRIORITY_SLOTS_PER_SESSION,
      waitlistPayWithinMinutes: config.BOOKING_WAITLIST_PAY_MINUTES,
    },
    byInstitution: config.BOOKING_INSTITUTION_RULES ?? {},
    registrationDeadlineMinutes: config.BOOKING_REGISTRATION_DEADLINE_MINUTES,
    inventoryFreshMs: config.BOOKING_INVENTORY_FRESH_MS,
  };
}
