import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job } from 'agenda';
import { afterEach, describe, expect, it } from 'vitest';
import { useConformanceDb } from '../support/mongo.js';

// Scheduled jobs (reminders, follow-ups) run through agenda, whose correctness rests on
// findOneAndUpdate being atomic: a job locked by one instance must never be locked by another.

const t = useConformanceDb('agenda');
const running: Agenda[] = [];
let collectionCounter = 0;

afterEach(async () => {
  await Promise.all(running.splice(0).map((agenda) => agenda.stop()));
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An agenda instance polling every 100 ms on `collection`, collecting any errors it emits. */
async function startAgenda(name: string, collection: string, errors: Error[]): Promise<Agenda> {
  const agenda = new Agenda({ backend: new MongoBackend({ mongo: t.db, collection }), name, processEvery: 100 });
  agenda.on('error', (error) => errors.push(error));
  agenda.on('fail', (error) => errors.push(error));
  await agenda.ready;
  running.push(agenda);
  return agenda;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
}

function nextCollection(): string {
  collectionCounter += 1;
  return `jobs_${collectionCounter}`;
}

describe('agenda on this database', () => {
  it('runs a job scheduled for now exactly once, and records it as finished', async () => {
    const errors: Error[] = [];
    const collection = nextCollection();
    const agenda = await startAgenda('solo', collection, errors);
    const runs: string[] = [];
    agenda.define('send-reminder', async (job: Job<{ patient: string }>) => {
      runs.push(job.attrs.data.patient);
    });
    await agenda.start();
    await agenda.now('send-reminder', { patient: 'p1' });

    await waitFor(() => runs.length > 0, 10_000);
    await sleep(1_000); // ten more polls: a second run would show up here
    expect(runs).toEqual(['p1']);
    expect(errors).toEqual([]);

    const stored = await t.db.collection(collection).find({ name: 'send-reminder' }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'send-reminder', data: { patient: 'p1' }, nextRunAt: null });
    expect(stored[0]!.lastFinishedAt).toBeInstanceOf(Date);
    expect(stored[0]!.lastRunAt).toBeInstanceOf(Date);
  });

  it('two instances on one collection share twenty one-off jobs, each run exactly once', async () => {
    const errors: Error[] = [];
    const collection = nextCollection();
    const runs: { instance: string; i: number }[] = [];
    const instances = await Promise.all(['east', 'west'].map((name) => startAgenda(name, collection, errors)));
    for (const agenda of instances) {
      const instance = agenda.attrs.name!;
      agenda.define('follow-up', async (job: Job<{ i: number }>) => {
        runs.push({ instance, i: job.attrs.data.i });
        await sleep(20);
      });
    }
    for (let i = 0; i < 20; i += 1) await instances[0]!.now('follow-up', { i });
    await Promise.all(instances.map((agenda) => agenda.start()));

    await waitFor(() => runs.length >= 20, 15_000);
    await sleep(1_000);
    expect(runs.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(errors).toEqual([]);
  });

  it('two instances running an every-second job never run the same occurrence twice', async () => {
    const errors: Error[] = [];
    const collection = nextCollection();
    const runs: { instance: string; at: number }[] = [];
    const instances = await Promise.all(['north', 'south'].map((name) => startAgenda(name, collection, errors)));
    for (const agenda of instances) {
      const instance = agenda.attrs.name!;
      agenda.define('heartbeat', async () => {
        runs.push({ instance, at: Date.now() });
      });
    }
    await instances[0]!.every('1 second', 'heartbeat');
    await Promise.all(instances.map((agenda) => agenda.start()));

    await sleep(3_600);
    await Promise.all(running.splice(0).map((agenda) => agenda.stop()));

    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(5);
    const gaps = runs.slice(1).map((run, k) => run.at - runs[k]!.at);
    // A duplicate run of one occurrence would show as two runs a few milliseconds apart.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    expect(await t.db.collection(collection).countDocuments({ name: 'heartbeat' })).toBe(1);
    expect(errors).toEqual([]);
  });
});
