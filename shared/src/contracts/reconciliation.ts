import { z } from 'zod';
import { LocalDateSchema } from './appointments.js';

/**
 * Payment reconciliation (对账): a daily job compares CareLoop's payments and refunds with the
 * WeChat Pay trade bill of that Shanghai day, and paid appointments with the hospital's
 * registrations. What does not match is listed for staff at `GET /staff/reconciliation`.
 */

const Instant = z.iso.datetime({ offset: true });

/**
 * What did not match:
 * - `missing_in_bill` — we recorded a payment the bill does not have;
 * - `unknown_in_bill` — the bill has a payment for an order we do not know;
 * - `amount_mismatch` — both have it, with different amounts;
 * - `refund_missing_in_bill` — we recorded a successful refund the bill does not have;
 * - `unknown_refund_in_bill` — the bill has a refund we did not request;
 * - `registration_missing` — paid and booked with us, but the hospital has no booked registration;
 * - `registration_not_cancelled` — cancelled (and refunded) with us, still booked at the hospital.
 */
export const ReconciliationKindSchema = z.enum([
  'missing_in_bill',
  'unknown_in_bill',
  'amount_mismatch',
  'refund_missing_in_bill',
  'unknown_refund_in_bill',
  'registration_missing',
  'registration_not_cancelled',
]);
/** A mismatch kind. */
export type ReconciliationKind = z.infer<typeof ReconciliationKindSchema>;

/** One mismatch. Amounts in fen. */
export const ReconciliationMismatchSchema = z.object({
  id: z.string(),
  date: LocalDateSchema,
  kind: ReconciliationKindSchema,
  /** The kind in Chinese. */
  kindText: z.string(),
  outTradeNo: z.string().nullable(),
  outRefundNo: z.string().nullable(),
  appointmentId: z.string().nullable(),
  institutionId: z.string().nullable(),
  /** Our amount and the other side's, when they apply. */
  ours: z.number().int().nullable(),
  theirs: z.number().int().nullable(),
  detectedAt: Instant,
});
/** A reconciliation mismatch. */
export type ReconciliationMismatch = z.infer<typeof ReconciliationMismatchSchema>;

/** `GET /staff/reconciliation?date=YYYY-MM-DD` (default: yesterday, Shanghai). */
export const ReconciliationQuerySchema = z.strictObject({ date: LocalDateSchema.optional() });

/** The mismatches of a day, and whether that day was reconciled at all. */
export const ReconciliationReportSchema = z.object({
  date: LocalDateSchema,
  /** When the job last compared that day; null if it has not run for it. */
  ranAt: Instant.nullable(),
  /** Payments and refunds compared. */
  compared: z.object({ payments: z.number().int().nonnegative(), refunds: z.number().int().nonnegative() }),
  items: z.array(ReconciliationMismatchSchema),
});
/** A reconciliation report. */
export type ReconciliationReport = z.infer<typeof ReconciliationReportSchema>;

/** Path relative to `/api/v1`. */
export const ReconciliationPaths = { report: '/staff/reconciliation' } as const;
