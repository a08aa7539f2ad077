import { authenticator } from 'otplib';

/** TOTP time step in seconds (what every authenticator app uses). */
export const totpStepSeconds = 30;

/** Codes one step before or after now are accepted too (clock drift between phone and server). */
export const totpWindow = 1;

/**
 * Checks a 6-digit authenticator code at `now` and returns the time step it belongs to, or
 * null when it is wrong. A code whose step is not after `lastStep` (already used) is refused,
 * so an observed code cannot be replayed within its window.
 */
export function verifyTotp(options: { secret: string; token: string; now: Date; lastStep: number | null }): number | null {
  const epoch = options.now.getTime();
  const checker = authenticator.clone({ step: totpStepSeconds, window: totpWindow, epoch });
  let delta: number | null;
  try {
    delta = checker.checkDelta(options.token, options.secret);
  } catch {
    return null;
  }
  if (delta === null) return null;
  const step = Math.floor(epoch / 1000 / totpStepSeconds) + delta;
  if (options.lastStep !== null && step <= options.lastStep) return null;
  return step;
}

/** The current code for a secret at `now` (seeding docs and tests). */
export function totpCode(secret: string, now: Date): string {
  return authenticator.clone({ step: totpStepSeconds, epoch: now.getTime() }).generate(secret);
}
