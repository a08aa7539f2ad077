import { rateLimited } from './errors.js';
import type { BookingModels } from './model.js';

/**
 * Booking attempts per account and per patient, counted in fixed one-minute windows in MongoDB
 * (one `$inc` upsert per attempt, so every BFF instance shares the count; windows expire by TTL).
 * Against scalpers: a person books a few times a minute at most, a script hundreds.
 */

/** Counts one attempt by `scope:id`; throws 429 `rate_limited` past `limit` a minute. */
export async function countAttempt(
  models: BookingModels,
  scope: 'account' | 'patient',
  id: string,
  now: Date,
  limit: number,
): Promise<void> {
  const minute = Math.floor(now.getTime() / 60_000);
  const _id = `${scope}:${id}:${minute}`;
  const windows = models.raw.rateWindows;
  let count = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const window = await windows.findOneAndUpdate(
        { _id },
        { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date((minute + 2) * 60_000) } },
        { upsert: true, returnDocument: 'after' },
      );
      count = (window?.count as number | undefined) ?? 1;
      break;
    } catch (error) {
      // Two first attempts of a minute raced to create the window: the loser increments it.
      if ((error as { code?: unknown }).code !== 11000 || attempt === 1) throw error;
    }
  }
  if (count > limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000));
    throw rateLimited(scope, limit, retryAfterSeconds);
  }
}
