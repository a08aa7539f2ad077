import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/**
 * Records visit outcomes every 10 minutes: booked visits that ended are looked up at the
 * hospital in batches and become 已就诊 (completed) or 爽约 (no_show) as it recorded them — the
 * no-shows the booking pause counts. Visits without an outcome yet are asked about again later.
 */
export function visitOutcomesJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: record visit outcomes', every: '10 minutes', run: () => booking.jobs.recordVisitOutcomes() };
}
