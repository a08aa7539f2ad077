import { z } from 'zod';

/** Every error the BFF returns has this shape (one middleware renders it). */
export const ErrorResponseSchema = z.object({
  error: z.object({
    /** Stable snake_case code clients branch on, e.g. `not_found`, `hospital_unavailable`. */
    code: z.string(),
    /** What went wrong, why, and what to do — in Chinese for patient-facing errors. */
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
/** An error response body. */
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
