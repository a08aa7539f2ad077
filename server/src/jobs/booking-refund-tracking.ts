import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/** Tracks refunds until WeChat Pay reports success: resubmits unaccepted ones, queries the rest. Every minute. */
export function refundTrackingJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: track refunds', every: '1 minute', run: () => booking.jobs.trackRefunds() };
}
