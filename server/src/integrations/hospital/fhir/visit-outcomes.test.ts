/**
 * Visit outcomes through the adapter against the simulator: the clinic records a visit as seen
 * (`fulfilled`) or not (`noshow`) through the simulator's test control, or the demo hospital
 * records everyone else as seen some hours after the slot; the adapter reads them as
 * `completed` / `no_show` (an arrived patient is still `booked`), one by one or in a batch.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FhirHospitalSystem } from './fhir-hospital-system.js';
import { startHospitalSimulator, type RunningSimulator } from '../simulator/index.js';

/** Wednesday 25 Nov 2026, 09:10 in Shanghai. */
const START = new Date('2026-11-25T09:10:00+08:00');
const DOCTOR = 'pract-core-endo-3';

let now = START;
let simulator: RunningSimulator;
let hospital: FhirHospitalSystem;

beforeAll(async () => {
  simulator = await startHospitalSimulator({ now: () => now, autoFulfilAfterHours: 2 });
  hospital = new FhirHospitalSystem({ baseUrl: simulator.baseUrl, retries: 0 });
});
afterAll(async () => {
  await simulator?.stop();
});
beforeEach(() => {
  now = START;
  simulator.reset();
});

/** The first three free slots of Thursday 26 Nov (a seeded share is busy already). */
async function freeSlots(): Promise<Array<{ id: string; end: string }>> {
  const slots = await hospital.listSlots(DOCTOR, '2026-11-26T00:00:00+08:00', '2026-11-27T00:00:00+08:00');
  return slots.filter((s) => s.status === 'free').slice(0, 3);
}

async function bookedAt(slotId: string): Promise<string> {
  const locked = await hospital.lockSlot(slotId, 'pat-wang-jianguo');
  await hospital.confirmRegistration(locked.id);
  return locked.id;
}

function mark(id: string, body: unknown) {
  return fetch(`${simulator.adminUrl}/appointments/${id}/outcome`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }));
}

describe('visit outcomes', () => {
  it('a visit marked fulfilled or noshow reads as completed / no_show; the rest stay booked until the demo hospital closes them', async () => {
    const [slotA, slotB, slotC] = await freeSlots();
    const a = await bookedAt(slotA!.id);
    const b = await bookedAt(slotB!.id);
    const c = await bookedAt(slotC!.id);

    // Not begun yet: no outcome can be recorded.
    expect(await mark(a, { outcome: 'noshow' })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });

    now = new Date(slotC!.end);
    expect(await mark(a, { outcome: 'fulfilled' })).toEqual({ status: 200, body: { id: a, status: 'fulfilled' } });
    expect(await mark(b, { outcome: 'noshow' })).toEqual({ status: 200, body: { id: b, status: 'noshow' } });
    // Repeating an outcome is a no-op; changing one is refused.
    expect(await mark(b, { outcome: 'noshow' })).toEqual({ status: 200, body: { id: b, status: 'noshow' } });
    expect(await mark(b, { outcome: 'fulfilled' })).toMatchObject({ status: 409 });
    expect(await mark(c, { outcome: 'seen' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_outcome' } } });
    expect(await mark('appt-nope', { outcome: 'noshow' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });

    expect((await hospital.getRegistration(a))?.status).toBe('completed');
    expect((await hospital.getRegistration(b))?.status).toBe('no_show');
    expect((await hospital.getRegistration(c))?.status).toBe('booked');
    const batch = await hospital.getRegistrations([a, b, c, 'appt-unknown', 'not a fhir id']);
    expect(batch.map((r) => [r.id, r.status]).sort()).toEqual([[a, 'completed'], [b, 'no_show'], [c, 'booked']].sort());

    // Two hours after C's slot ended the demo hospital records it as seen; B stays a no-show.
    now = new Date(Date.parse(slotC!.end) + 2 * 3_600_000 - 1_000);
    expect((await hospital.getRegistration(c))?.status).toBe('booked');
    now = new Date(Date.parse(slotC!.end) + 2 * 3_600_000);
    expect((await hospital.getRegistrations([b, c])).map((r) => [r.id, r.status]).sort()).toEqual([[b, 'no_show'], [c, 'completed']].sort());
    expect(simulator.state().appointments.map((x) => x.status)).toEqual(['fulfilled', 'noshow', 'fulfilled']);

    // A late confirm of a visit that happened answers with the registration, and it cannot be cancelled.
    expect((await hospital.confirmRegistration(c)).status).toBe('completed');
    await expect(hospital.cancelRegistration(b)).rejects.toMatchObject({ code: 'hospital_conflict' });
  });

  it('an unpaid hold never gets an outcome', async () => {
    const [slot] = await freeSlots();
    const held = await hospital.lockSlot(slot!.id, 'pat-wang-jianguo');
    now = new Date('2026-11-27T09:00:00+08:00');
    expect(await mark(held.id, { outcome: 'fulfilled' })).toMatchObject({ status: 409 });
    expect((await hospital.getRegistration(held.id))?.status).toBe('locked');
  });
});
