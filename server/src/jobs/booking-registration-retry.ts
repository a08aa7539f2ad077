import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/**
 * Retries hospital registration of paid appointments whose next attempt is due (back-off up to a
 * minute); past the deadline the patient is refunded and told. Every 15 s.
 */
export function registrationRetryJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: retry hospital registrations', every: '15 seconds', run: () => booking.jobs.retryRegistrations() };
}
