import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/**
 * Finishes releases the hospital interrupted: ended appointments still registered at the
 * hospital (or whose lock timed out) are cancelled there, then their places released. Every 30 s.
 */
export function releaseSettleJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: settle releases', every: '30 seconds', run: () => booking.jobs.settleReleases() };
}
