import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { Logger } from '../logging/logger.js';

/**
 * Scheduled work on agenda, on the same MongoDB as everything else (collection `agenda_jobs`):
 * agenda locks each run with an atomic findOneAndUpdate, so with several BFF instances every
 * occurrence of a job runs once. One job per file next to this one describes itself as a
 * {@link ScheduledJob}; this module only runs them.
 */

/** A recurring job: its name, how often, and the work (idempotent; it reads its own clock). */
export interface ScheduledJob {
  name: string;
  /** Human interval (`30 seconds`) or a cron expression (`0 2 * * *`, in `timezone`). */
  every: string;
  timezone?: string;
  run(): Promise<unknown>;
}

/** Running agenda jobs. */
export interface RunningAgenda {
  /** Stops polling and waits for the runs in progress (agenda unlocks them). */
  stop(): Promise<void>;
}

/** Options of the runner. */
export interface AgendaJobsOptions {
  db: Db;
  jobs: readonly ScheduledJob[];
  logger: Logger;
  /** This instance's name in agenda's locks (default `careloop`). */
  name?: string;
  /** How often agenda looks for due jobs (default 5 s). */
  processEveryMs?: number;
}

/** Defines and schedules the jobs, then starts agenda. */
export async function startAgendaJobs(options: AgendaJobsOptions): Promise<RunningAgenda> {
  const { logger } = options;
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db, collection: 'agenda_jobs' }),
    name: options.name ?? 'careloop',
    processEvery: options.processEveryMs ?? 5_000,
  });
  agenda.on('error', (error: unknown) => logger.error({ err: error }, 'agenda error'));
  for (const job of options.jobs) {
    agenda.define(
      job.name,
      async () => {
        const started = performance.now();
        const result = await job.run();
        logger.debug({ job: job.name, result, ms: Math.round(performance.now() - started) }, 'job ran');
      },
      { concurrency: 1, lockLimit: 1 },
    );
    agenda.on(`fail:${job.name}`, (error: unknown) => logger.error({ err: error, job: job.name }, 'job failed'));
  }
  await agenda.ready;
  for (const job of options.jobs) {
    await agenda.every(job.every, job.name, undefined, job.timezone ? { timezone: job.timezone, skipImmediate: true } : { skipImmediate: true });
  }
  await agenda.start();
  logger.info({ jobs: options.jobs.map((j) => j.name) }, 'scheduled jobs started');
  return {
    async stop() {
      await agenda.stop();
    },
  };
}
