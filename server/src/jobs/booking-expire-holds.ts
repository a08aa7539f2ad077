import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/**
 * Releases unpaid holds: every 30 s, appointments past `payBy` are expired (an order paid after
 * all is applied instead), their WeChat Pay order closed and their place released — to the first
 * waiting patient when there is one.
 */
export function expireHoldsJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: expire unpaid holds', every: '30 seconds', run: () => booking.jobs.expireHolds() };
}
