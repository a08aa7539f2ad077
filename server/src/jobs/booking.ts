import type { BookingService } from '../features/booking/index.js';
import type { ScheduledJob } from './agenda.js';
import { expireHoldsJob } from './booking-expire-holds.js';
import { inventorySyncJob } from './booking-inventory-sync.js';
import { paymentQueryJob } from './booking-payment-query.js';
import { reconciliationJob } from './booking-reconciliation.js';
import { refundTrackingJob } from './booking-refund-tracking.js';
import { registrationRetryJob } from './booking-registration-retry.js';
import { releaseSettleJob } from './booking-release-settle.js';
import { visitOutcomesJob } from './booking-visit-outcomes.js';

/** Every booking job, for main to hand to agenda. */
export function bookingJobs(booking: Pick<BookingService, 'jobs'>): ScheduledJob[] {
  return [
    expireHoldsJob(booking),
    paymentQueryJob(booking),
    registrationRetryJob(booking),
    refundTrackingJob(booking),
    releaseSettleJob(booking),
    inventorySyncJob(booking),
    reconciliationJob(booking),
    visitOutcomesJob(booking),
  ];
}
