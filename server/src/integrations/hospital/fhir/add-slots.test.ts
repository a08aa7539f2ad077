/**
 * 加号 end to end at the hospital boundary: the adapter's `addSlots` against the simulator over
 * HTTP — overbooked Slots on the doctor's Schedule at the session's times, listed, held,
 * confirmed and cancelled like any other, and a repeated call with the same key adds nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FhirHospitalSystem } from './fhir-hospital-system.js';
import { startHospitalSimulator, type RunningSimulator } from '../simulator/index.js';
import { fhirFetch, FIXED_NOW } from '../simulator/test-support.js';

/** Monday 30 Nov 2026, morning clinic (16 regular slots, 08:00–12:00). */
const SESSION = { start: '2026-11-30T08:00:00+08:00', end: '2026-11-30T12:00:00+08:00' };
const DOCTOR = 'pract-core-cardio-3';

let simulator: RunningSimulator;
let hospital: FhirHospitalSystem;

beforeAll(async () => {
  simulator = await startHospitalSimulator({ now: () => FIXED_NOW });
  hospital = new FhirHospitalSystem({ baseUrl: simulator.baseUrl, retries: 0 });
});
afterAll(async () => {
  await simulator?.stop();
});
beforeEach(() => {
  simulator.reset();
});

describe('addSlots (加号)', () => {
  it('adds free overbooked slots spread over the session’s 15-minute times, listed with the others', async () => {
    const before = await hospital.listSlots(DOCTOR, SESSION.start, SESSION.end);
    expect(before).toHaveLength(16);

    const added = await hospital.addSlots(DOCTOR, SESSION, 5, { idempotencyKey: 'req-1' });
    expect(added).toHaveLength(5);
    expect(added.every((s) => s.status === 'free' && s.overbooked === true && s.practitionerId === DOCTOR)).toBe(true);
    // 16 times, 5 places: the middle of each fifth of the session.
    expect(added.map((s) => s.start)).toEqual([
      '2026-11-30T08:15:00+08:00',
      '2026-11-30T09:00:00+08:00',
      '2026-11-30T10:00:00+08:00',
      '2026-11-30T10:45:00+08:00',
      '2026-11-30T11:30:00+08:00',
    ]);
    expect(added.map((s) => s.end)[0]).toBe('2026-11-30T08:30:00+08:00');

    const after = await hospital.listSlots(DOCTOR, SESSION.start, SESSION.end);
    expect(after).toHaveLength(21);
    expect(after.filter((s) => s.overbooked).map((s) => s.id).sort()).toEqual(added.map((s) => s.id).sort());
  });

  it('never adds twice for one key (a retried request finds its slots)', async () => {
    const first = await hospital.addSlots(DOCTOR, SESSION, 3, { idempotencyKey: 'req-2' });
    const again = await hospital.addSlots(DOCTOR, SESSION, 3, { idempotencyKey: 'req-2' });
    expect(again.map((s) => s.id)).toEqual(first.map((s) => s.id));
    expect(await hospital.listSlots(DOCTOR, SESSION.start, SESSION.end)).toHaveLength(19);
  });

  it('an added slot is locked, confirmed and cancelled like any other', async () => {
    const [slot] = await hospital.addSlots(DOCTOR, SESSION, 1, { idempotencyKey: 'req-3' });
    const lock = await hospital.lockSlot(slot!.id, 'pat-wang-jianguo', { idempotencyKey: 'hold-1' });
    expect(lock).toMatchObject({ slotId: slot!.id, practitionerId: DOCTOR, status: 'locked', start: slot!.start });
    await expect(hospital.lockSlot(slot!.id, 'pat-li-xiuying')).rejects.toMatchObject({ code: 'hospital_conflict' });
    expect((await hospital.confirmRegistration(lock.id)).status).toBe('booked');
    expect((await hospital.listSlots(DOCTOR, SESSION.start, SESSION.end)).find((s) => s.id === slot!.id)?.status).toBe('busy');
    expect((await hospital.cancelRegistration(lock.id)).status).toBe('cancelled');
    expect((await hospital.listSlots(DOCTOR, SESSION.start, SESSION.end)).find((s) => s.id === slot!.id)?.status).toBe('free');
  });

  it('the simulator refuses a slot that is not a free Slot on a known Schedule in the window', async () => {
    const post = (body: unknown) => fhirFetch(`${simulator.baseUrl}/Slot`, { method: 'POST', body: JSON.stringify(body) });
    const slot = { resourceType: 'Slot', schedule: { reference: `Schedule/sched-${DOCTOR}` }, status: 'free', start: SESSION.start, end: '2026-11-30T08:15:00+08:00' };
    expect((await post({ ...slot, resourceType: 'Appointment' })).status).toBe(400);
    expect((await post({ ...slot, status: 'busy' })).status).toBe(400);
    expect((await post({ ...slot, schedule: { reference: 'Schedule/sched-nobody' } })).status).toBe(422);
    expect((await post({ ...slot, start: '2026-11-24T08:00:00+08:00', end: '2026-11-24T08:15:00+08:00' })).status).toBe(422);
    expect((await post({ ...slot, end: SESSION.start })).status).toBe(400);
    const created = await post(slot);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ resourceType: 'Slot', status: 'free', overbooked: true, start: SESSION.start });
  });
});
