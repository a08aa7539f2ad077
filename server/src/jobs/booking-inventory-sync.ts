import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';

/** Keeps the slot inventory in step with the hospital (walk-ins, schedule changes): known days re-synced every 5 minutes. */
export function inventorySyncJob(booking: Pick<BookingService, 'jobs'>): ScheduledJob {
  return { name: 'booking: sync slot inventory', every: '5 minutes', run: () => booking.jobs.syncInventory() };
}
