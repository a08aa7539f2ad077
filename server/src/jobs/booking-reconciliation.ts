import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/**
 * Reconciles yesterday (Shanghai) every day at 10:00 — WeChat Pay publishes the trade bill of a
 * day after 10:00 the next morning — against our payments, refunds and the hospital's registrations.
 */
export function reconciliationJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: daily reconciliation', every: '15 10 * * *', timezone: 'Asia/Shanghai', run: () => booking.jobs.reconcile() };
}
