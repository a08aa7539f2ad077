import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHospitalSimulator, type RunningSimulator } from './index.js';
import { FIXED_NOW, fhirFetch, type EitherResource } from './test-support.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startHospitalSimulator({ now: () => FIXED_NOW });
});
afterAll(async () => {
  await sim.stop();
});
afterEach(() => {
  sim.reset();
});

const members = () => fhirFetch<EitherResource<Bundle, OperationOutcome>>(`${sim.baseUrl}/Organization?partof=Organization/alliance`);
const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${sim.adminUrl}${path}`, { ...init, headers: { 'content-type': 'application/json' } });

describe('fault injection', () => {
  it('delays answers by latencyMs', async () => {
    sim.faults.set({ latencyMs: 300 });
    const started = performance.now();
    const res = await members();
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers 503 with an OperationOutcome at errorRate 1, and reset restores service', async () => {
    sim.faults.set({ errorRate: 1 });
    const failed = await members();
    expect(failed.status).toBe(503);
    expect(failed.body.resourceType).toBe('OperationOutcome');
    expect(failed.body.issue[0]?.code).toBe('transient');
    sim.reset();
    const ok = await members();
    expect(ok.status).toBe(200);
    expect(ok.body.total).toBe(4);
  });

  it('fails only requests under the match prefix', async () => {
    sim.faults.set({ errorRate: 1, match: '/Slot' });
    expect((await members()).status).toBe(200);
    expect((await fhirFetch(`${sim.baseUrl}/Slot?schedule=Schedule/sched-pract-core-cardio-3`)).status).toBe(503);
  });

  it('hangs on timeout until the client gives up, without holding the request afterwards', async () => {
    sim.faults.set({ timeout: true });
    const started = performance.now();
    await expect(fetch(`${sim.baseUrl}/metadata`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await expect.poll(() => sim.state().heldRequests).toBe(0);
  });

  it('serves broken JSON or resources without their fields on wrongData', async () => {
    sim.faults.set({ wrongData: 'malformed-json' });
    const broken = await fetch(`${sim.baseUrl}/Organization/org-core`);
    expect(broken.status).toBe(200);
    await expect(broken.json()).rejects.toThrow();
    sim.faults.set({ wrongData: 'missing-fields' });
    const stripped = await members();
    expect(stripped.body.entry?.[0]?.resource).toEqual({ resourceType: 'Organization' });
  });

  it('is driven over HTTP too: POST/DELETE /__sim/faults, GET /__sim/state, POST /__sim/reset', async () => {
    const set = await admin('/faults', { method: 'POST', body: JSON.stringify({ errorRate: 1 }) });
    expect(set.status).toBe(200);
    expect((await members()).status).toBe(503);
    const state = (await (await admin('/state')).json()) as { faults: unknown; now: string; counts: Record<string, number> };
    expect(state.faults).toEqual({ errorRate: 1 });
    expect(state.now).toBe('2026-11-25T01:10:00.000Z');
    expect(state.counts['Organization']).toBe(5);
    expect((await admin('/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await members()).status).toBe(200);

    const bad = await admin('/faults', { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_faults');

    sim.faults.set({ latencyMs: 10 });
    const reset = await admin('/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(sim.faults.get()).toEqual({});
  });
});

describe('stopping the simulator', () => {
  it('ends requests held by a timeout fault instead of leaking them', async () => {
    const own = await startHospitalSimulator({ now: () => FIXED_NOW });
    own.faults.set({ timeout: true });
    const pending = fetch(`${own.baseUrl}/metadata`).then((r) => r.status, () => 'closed');
    await expect.poll(() => own.state().heldRequests).toBe(1);
    await own.stop();
    expect([503, 'closed']).toContain(await pending);
  });
});
