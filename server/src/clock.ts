/**
 * Where "now" comes from. Services take a clock instead of calling `new Date()` so tests (and
 * the hospital simulator's seeded schedules) can pin time.
 */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock stuck at one instant (tests). */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant) };
}
