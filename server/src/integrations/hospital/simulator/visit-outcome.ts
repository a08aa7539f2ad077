import { z } from 'zod';

/** The body of the simulator's `POST /__sim/appointments/:id/outcome` test control. */
export const VisitOutcomeSchema = z.strictObject({
  /** `fulfilled`: the patient was seen; `noshow`: the patient did not come. */
  outcome: z.enum(['fulfilled', 'noshow']),
});
