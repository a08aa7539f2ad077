import { createAppointments, type AppointmentsService } from './appointments.js';
import { createBackground, type BookingContext, type BookingDeps } from './context.js';
import { createInventory, type InventoryDay } from './inventory.js';
import { createLifecycle } from './lifecycle.js';
import { createNotifier, type BookingNotificationDeps } from './notifications.js';
import { createVisitOutcomes, type VisitOutcomeRun } from './outcomes.js';
import { createPayments, type Payments } from './payments.js';
import { createReconciliation, type Reconciliation } from './reconciliation.js';
import { createRefunds } from './refunds.js';
import { createRegistration } from './registration.js';
import { createSessions, type SessionsService } from './sessions.js';
import { rulesFor, type BookingRuleSettings } from './settings.js';
import { addDays, shanghaiDate } from './shanghai.js';
import { createSlotTurns } from './slot-turns.js';
import { createSoldOutSlots } from './sold-out.js';
import { createStaffBooking, type StaffBooking, type StaffBookingDeps } from './staff-booking.js';
import { createWaitlist, type Waitlist } from './waitlist.js';

export type { BookingDeps, SandboxCashier } from './context.js';
export type { BookingNotificationDeps } from './notifications.js';
export { createBookingModels, type BookingModels } from './model.js';
export type { VisitOutcomeRun } from './outcomes.js';
export { bookingSettingsFromConfig, defaultBookingRules, InstitutionRulesSchema, type BookingSettings, type BookingRuleSettings } from './settings.js';
export { bookingRoutes } from './routes.js';
export { bookingStaffRoutes } from './staff-routes.js';
export type { StaffBookingDeps } from './staff-booking.js';

/**
 * The scheduled work of booking, one function per job (server/src/jobs/booking-*.ts schedules
 * them on agenda; tests call them directly with their own clock). Each is idempotent and safe to
 * run on several instances at once: every state change is a conditional update.
 */
export interface BookingJobs {
  /** Unpaid holds past `payBy` → expired, order closed, place released (waitlist first). */
  expireHolds(): Promise<number>;
  /** Orders whose notify never came → asked about, applied if paid. */
  queryPayments(): Promise<number>;
  /** Paid appointments whose hospital registration is due another try (or a refund). */
  retryRegistrations(): Promise<number>;
  /** Refunds in progress → resubmitted or queried until WeChat Pay says they succeeded. */
  trackRefunds(): Promise<number>;
  /** Ended appointments still holding a place or a hospital registration → released. */
  settleReleases(): Promise<number>;
  /** Known doctor-days from today on → re-synced from the hospital. */
  syncInventory(): Promise<{ synced: number; failed: number }>;
  /** Reconciles a Shanghai day (default yesterday) with the WeChat Pay bill and the hospital. */
  reconcile(date?: string): Promise<number>;
  /** Booked visits that ended → completed / no_show as the hospital recorded (batched, bounded). */
  recordVisitOutcomes(): Promise<VisitOutcomeRun>;
}

/** The booking feature as the routes and jobs use it. */
export interface BookingService {
  /** A doctor's day of slots with the rules of the doctor's institution. */
  slots(doctorId: string, date: string): Promise<{ day: InventoryDay; rules: BookingRuleSettings; now: Date }>;
  appointments: AppointmentsService;
  payments: Payments;
  waitlist: Waitlist;
  sessions: SessionsService;
  reconciliation: Reconciliation;
  /** Priority places (优先号) booked by staff by phone or at the desk. */
  staffBooking: StaffBooking;
  jobs: BookingJobs;
  rulesOf(institutionId: string): BookingRuleSettings;
  now(): Date;
  /** Resolves when no background work (registration after a notify, releases) is running. */
  idle(): Promise<void>;
}

/** Options beyond the deps. */
export interface BookingOptions {
  /** Delays between the quick registration retries right after a payment (default 0.5 s, 2 s, 5 s). */
  registrationQuickRetryDelaysMs?: readonly number[];
}

/** Builds the booking feature: every part bound to one context; patients are told through `deps.notifications`. */
export function createBooking(deps: BookingDeps & BookingNotificationDeps & { staffBooking: StaffBookingDeps }, options: BookingOptions = {}): BookingService {
  const { notifications, staffBooking: staffBookingDeps, ...bookingDeps } = deps;
  const ctx = { ...bookingDeps, background: createBackground(deps.logger), soldOut: createSoldOutSlots(), turns: createSlotTurns() } as BookingContext;
  ctx.notifier = createNotifier(deps.models, notifications, deps.patients, deps.logger);
  ctx.inventory = createInventory(ctx);
  ctx.lifecycle = createLifecycle(ctx);
  ctx.refunds = createRefunds(ctx);
  ctx.waitlist = createWaitlist(ctx);
  ctx.registration = createRegistration(ctx, { quickRetryDelaysMs: options.registrationQuickRetryDelaysMs ?? [500, 2_000, 5_000] });
  let appointments: AppointmentsService | undefined;
  const payments = createPayments(ctx, () => appointments!);
  appointments = createAppointments(ctx, payments);
  const sessions = createSessions(ctx);
  const reconciliation = createReconciliation(ctx);
  const outcomes = createVisitOutcomes(ctx);
  const staffBooking = createStaffBooking(ctx, staffBookingDeps);
  const rulesOf = (institutionId: string) => rulesFor(deps.settings, institutionId);

  return {
    async slots(doctorId, date) {
      const day = await ctx.inventory.day(doctorId, date);
      return { day, rules: rulesOf(day.doctor.institutionId), now: deps.clock.now() };
    },
    appointments,
    payments,
    waitlist: ctx.waitlist,
    sessions,
    reconciliation,
    staffBooking,
    jobs: {
      expireHolds: () => appointments.expireHolds(),
      queryPayments: () => payments.queryPending(),
      retryRegistrations: () => ctx.registration.retryDue(),
      trackRefunds: () => ctx.refunds.track(),
      settleReleases: () => ctx.lifecycle.settlePending(),
      syncInventory: () => ctx.inventory.resyncKnownDays(),
      reconcile: async (date) => (await reconciliation.run(date ?? addDays(shanghaiDate(deps.clock.now()), -1))).length,
      recordVisitOutcomes: () => outcomes.recordDue(),
    },
    rulesOf,
    now: () => deps.clock.now(),
    idle: () => ctx.background.idle(),
  };
}
