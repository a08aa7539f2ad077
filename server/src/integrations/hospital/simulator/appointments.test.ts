import type { Appointment, Bundle, OperationOutcome, Slot } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHospitalSimulator, type RunningSimulator } from './index.js';
import { FIXED_NOW, entries, fhirFetch, type EitherResource } from './test-support.js';

type Reply = EitherResource<Appointment, OperationOutcome>;

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startHospitalSimulator({ now: () => FIXED_NOW });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.reset();
});

const PRACTITIONER = 'pract-core-endo-3';

async function firstFreeSlot(): Promise<Slot> {
  const res = await fhirFetch<Bundle>(`${sim.baseUrl}/Slot?schedule=Schedule/sched-${PRACTITIONER}&status=free&_count=1`);
  const slot = entries(res.body)[0] as Slot | undefined;
  if (!slot) throw new Error('no free slot in the seed');
  return slot;
}

function hold(slotId: string, patientId: string, extra: Partial<Appointment> = {}): Appointment {
  return {
    resourceType: 'Appointment',
    status: 'pending',
    slot: [{ reference: `Slot/${slotId}` }],
    participant: [
      { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${PRACTITIONER}` }, status: 'accepted' },
    ],
    ...extra,
  };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fhirFetch<Reply>(`${sim.baseUrl}/Appointment`, { method: 'POST', body: JSON.stringify(body), headers });
const put = (id: string, body: unknown) =>
  fhirFetch<Reply>(`${sim.baseUrl}/Appointment/${id}`, { method: 'PUT', body: JSON.stringify(body) });
const slotStatus = async (id: string) => (await fhirFetch<Slot>(`${sim.baseUrl}/Slot/${id}`)).body.status;

describe('appointments (registration holds)', () => {
  it('holds a free slot: 201, Location, the appointment, and the slot turns busy', async () => {
    const slot = await firstFreeSlot();
    const res = await post(hold(slot.id ?? '', 'pat-wang-jianguo'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      resourceType: 'Appointment',
      status: 'pending',
      start: slot.start,
      end: slot.end,
      minutesDuration: 15,
      slot: [{ reference: `Slot/${slot.id}` }],
    });
    expect(res.headers.get('location')).toBe(`${sim.baseUrl}/Appointment/${res.body.id}/_history/1`);
    expect(await slotStatus(slot.id ?? '')).toBe('busy');
    const read = await fhirFetch<Appointment>(`${sim.baseUrl}/Appointment/${res.body.id}`);
    expect(read.body).toEqual(res.body);
  });

  it('lets exactly one of two concurrent holds on one slot win; the other gets 409', async () => {
    const slot = await firstFreeSlot();
    const [a, b] = await Promise.all([post(hold(slot.id ?? '', 'pat-wang-jianguo')), post(hold(slot.id ?? '', 'pat-li-xiuying'))]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.resourceType).toBe('OperationOutcome');
    expect(loser.body.issue[0]?.code).toBe('conflict');
    expect(sim.state().appointments).toHaveLength(1);
  });

  it('refuses a slot that is already taken, or that has started', async () => {
    const taken = (entries(
      (await fhirFetch<Bundle>(`${sim.baseUrl}/Slot?schedule=Schedule/sched-${PRACTITIONER}&status=busy&_count=1`)).body,
    )[0] as Slot).id;
    expect((await post(hold(taken ?? '', 'pat-wang-jianguo'))).status).toBe(409);
    expect((await post(hold(`slot-${PRACTITIONER}-20261125-0800`, 'pat-wang-jianguo'))).status).toBe(409);
    expect((await post(hold(`slot-${PRACTITIONER}-20270101-0800`, 'pat-wang-jianguo'))).status).toBe(422);
  });

  it('confirms with PUT status booked, and cancelling frees the slot; both are idempotent', async () => {
    const slot = await firstFreeSlot();
    const created = (await post(hold(slot.id ?? '', 'pat-wang-jianguo'))).body;
    const booked = await put(created.id ?? '', { ...created, status: 'booked' });
    expect(booked.status).toBe(200);
    expect(booked.body).toMatchObject({ status: 'booked', meta: { versionId: '2' } });
    expect((await put(created.id ?? '', { ...created, status: 'booked' })).body.meta?.versionId).toBe('2');
    expect(await slotStatus(slot.id ?? '')).toBe('busy');

    const cancelled = await put(created.id ?? '', { ...created, status: 'cancelled' });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await slotStatus(slot.id ?? '')).toBe('free');
    expect((await put(created.id ?? '', { ...created, status: 'cancelled' })).status).toBe(200);
    // A cancelled registration cannot come back: the slot may be someone else's by now.
    expect((await put(created.id ?? '', { ...created, status: 'booked' })).status).toBe(409);
    // …and the freed slot can be held again.
    expect((await post(hold(slot.id ?? '', 'pat-li-xiuying'))).status).toBe(201);
  });

  it('returns the existing appointment for a retried conditional create (If-None-Exist)', async () => {
    const slot = await firstFreeSlot();
    const identifier = [{ system: 'https://careloop.example/registration', value: 'reg-42' }];
    const ifNoneExist = { 'If-None-Exist': 'identifier=https://careloop.example/registration|reg-42' };
    const first = await post(hold(slot.id ?? '', 'pat-wang-jianguo', { identifier }), ifNoneExist);
    const retry = await post(hold(slot.id ?? '', 'pat-wang-jianguo', { identifier }), ifNoneExist);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('rejects malformed bodies with 400 and unknown appointments with 404', async () => {
    const slot = await firstFreeSlot();
    expect((await post({ resourceType: 'Patient' })).status).toBe(400);
    expect((await post(hold(slot.id ?? '', 'pat-wang-jianguo', { status: 'proposed' }))).status).toBe(400);
    expect((await post({ ...hold(slot.id ?? '', 'x'), participant: [] })).status).toBe(400);
    const wrongDoctor = hold(slot.id ?? '', 'pat-wang-jianguo');
    wrongDoctor.participant[1] = { actor: { reference: 'Practitioner/pract-core-cardio-1' }, status: 'accepted' };
    expect((await post(wrongDoctor)).status).toBe(422);
    const notJson = await fhirFetch<OperationOutcome>(`${sim.baseUrl}/Appointment`, { method: 'POST', body: '{"resourceType":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.issue[0]?.code).toBe('structure');
    expect((await put('appt-none', { resourceType: 'Appointment', id: 'appt-none', status: 'booked' })).status).toBe(404);
    expect((await fhirFetch(`${sim.baseUrl}/Organization`, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('forgets appointments on reset', async () => {
    const slot = await firstFreeSlot();
    const created = await post(hold(slot.id ?? '', 'pat-wang-jianguo'));
    sim.reset();
    expect((await fhirFetch(`${sim.baseUrl}/Appointment/${created.body.id}`)).status).toBe(404);
    expect(await slotStatus(slot.id ?? '')).toBe('free');
  });
});
