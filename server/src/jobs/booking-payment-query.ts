import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/** Asks WeChat Pay about orders whose notify never came (older than a minute), every minute. */
export function paymentQueryJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: query unnotified orders', every: '1 minute', run: () => booking.jobs.queryPayments() };
}
