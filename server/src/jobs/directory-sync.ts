import type { DirectoryService } from '../features/directory/service.js';
import type { Logger } from '../logging/logger.js';

/** A running scheduled job. */
export interface RunningJob {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Options of the directory sync job. */
export interface DirectorySyncJobOptions {
  directory: DirectoryService;
  /** DIRECTORY_SYNC_INTERVAL_MS. */
  intervalMs: number;
  logger: Logger;
  /** Run once right away (default true): the boot starts a sync without waiting for it. */
  runAtStart?: boolean;
}

/**
 * Keeps the directory cache fresh: one sync at start (not awaited, so a slow hospital never
 * delays listening) and one every interval. A plain timer for now; the service's single-flight
 * makes overlapping ticks harmless. Outcomes are logged by the service.
 */
export function startDirectorySyncJob(options: DirectorySyncJobOptions): RunningJob {
  const { directory, logger } = options;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    directory.sync().catch((error: unknown) => logger.error({ err: error }, 'directory sync job crashed'));
  };
  if (options.runAtStart ?? true) tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await directory.idle();
    },
  };
}
