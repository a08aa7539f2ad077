import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import {
  asPatient,
  bookOk,
  listSlots,
  resetBooking,
  seedPatients,
  startBookingWorld,
  type BookingWorld,
  type TestPatient,
} from '../support/booking.js';
import { asStaff, signInDemoStaff } from '../support/staff-sign-in.js';

// 加号: a scheduler adds places to a doctor's session (e.g. "Monday 8–10 internal medicine
// +30%"). The hospital creates the extra slots (FHIR Slot, overbooked) at the session's times;
// the inventory picks them up at once as public places, numbered after the session's own.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const SESSION = `${DOCTOR}|${DATE}|morning`;
const placesPath = (sessionId: string) => `/api/v1/staff/sessions/${encodeURIComponent(sessionId)}/places`;

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;
const tokens = {} as Record<'scheduler' | 'doctor' | 'admin', string>;

const staffSignIn = (username: string): Promise<string> => signInDemoStaff(world.app, world.clock.now(), username);


const morningOf = async (doctorId: string, date: string) =>
  (await listSlots(world.app, doctorId, date)).items.filter((s: { period: string }) => s.period === 'morning');

beforeAll(async () => {
  world = await startBookingWorld({ staffAuth: true });
  patients = await seedPatients(world.app, world.clock, 30);
  tokens.scheduler = await staffSignIn('scheduler.core');
  tokens.doctor = await staffSignIn('doctor.core');
  tokens.admin = await staffSignIn('admin.core');
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
});

describe('POST /staff/sessions/:id/places (加号)', () => {
  it('adds +30% of a session’s places as public places, bookable at once and numbered after the session’s own', async () => {
    const before = await morningOf(DOCTOR, DATE);
    expect(before).toHaveLength(16);
    expect(before.filter((s: { bookable: boolean }) => s.bookable)).toHaveLength(11);

    const response = await world.app.fetch(placesPath(SESSION), asStaff(tokens.scheduler, 'POST', { percent: 30 }));
    expect(response.status).toBe(200);
    const body = await readJson(response);
    // 30% of 16 is 4.8: rounded up to 5.
    expect(body.added).toBe(5);
    expect(body.session).toMatchObject({
      id: SESSION,
      start: '2030-03-11T08:00:00+08:00',
      end: '2030-03-11T12:00:00+08:00',
      quota: { public: 19, referral: 0, priority: 2 },
      taken: { public: 3, referral: 0, priority: 1 },
      stopped: false,
    });

    const after = await morningOf(DOCTOR, DATE);
    expect(after).toHaveLength(21);
    const added = after.filter((s: { id: string }) => !before.some((b: { id: string }) => b.id === s.id));
    expect(added).toHaveLength(5);
    expect(added.map((s: { start: string }) => s.start)).toEqual([
      '2030-03-11T08:15:00+08:00',
      '2030-03-11T09:00:00+08:00',
      '2030-03-11T10:00:00+08:00',
      '2030-03-11T10:45:00+08:00',
      '2030-03-11T11:30:00+08:00',
    ]);
    expect(added.every((s: { bookable: boolean; channel: string; remaining: number }) => s.bookable && s.channel === 'public' && s.remaining === 1)).toBe(true);

    // A patient books an added place: the hospital holds it, the queue number follows the 16.
    const patient = fresh();
    const appointment = await bookOk(world.app, patient, added[0].id);
    expect(appointment).toMatchObject({ slotId: added[0].id, status: 'pending_payment', start: '2030-03-11T08:15:00+08:00' });
    const queueNumbers = (await world.app.connection.db!.collection('booking_slots').find({ _id: { $in: added.map((s: { id: string }) => s.id) } }).toArray())
      .map((s) => s.seq)
      .sort((a, b) => a - b);
    expect(queueNumbers).toEqual([17, 18, 19, 20, 21]);
    expect(world.hospital.state().appointments.filter((a) => a.status === 'pending').map((a) => a.slot)).toEqual([`Slot/${added[0].id}`]);

    // The staff list agrees.
    const sessions = await readJson(await world.app.fetch(`/api/v1/staff/sessions?doctorId=${DOCTOR}&date=${DATE}`, asStaff(tokens.scheduler)));
    expect(sessions.items[0]).toMatchObject({ id: SESSION, quota: { public: 19, referral: 0, priority: 2 }, taken: { public: 4, referral: 0, priority: 1 } });
  });

  it('adds a given number of places; an institution admin may too', async () => {
    await morningOf(DOCTOR, DATE);
    const response = await world.app.fetch(placesPath(SESSION), asStaff(tokens.admin, 'POST', { count: 3 }));
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(body.added).toBe(3);
    expect(body.session.quota).toEqual({ public: 17, referral: 0, priority: 2 });
    expect(await morningOf(DOCTOR, DATE)).toHaveLength(19);
  });

  it('offers the new places to patients waiting for the day (候补) first, in their order; the rest are public', async () => {
    // The day is full: the afternoon stopped, every bookable morning place taken.
    await morningOf(DOCTOR, DATE);
    const stop = await world.app.fetch(`/api/v1/staff/sessions/${encodeURIComponent(`${DOCTOR}|${DATE}|afternoon`)}/stop`, asStaff(tokens.scheduler, 'POST', { reason: '下午手术' }));
    expect(stop.status).toBe(200);
    for (const slot of (await morningOf(DOCTOR, DATE)).filter((s: { bookable: boolean }) => s.bookable)) await bookOk(world.app, fresh(), slot.id);
    const waiting = fresh();
    const joined = await world.app.fetch('/api/v1/waitlist', asPatient(waiting, 'POST', { patientId: waiting.patientId, date: DATE, doctorId: DOCTOR }));
    expect(joined.status).toBe(201);

    const response = await world.app.fetch(placesPath(SESSION), asStaff(tokens.scheduler, 'POST', { count: 2 }));
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(body.added).toBe(2);
    // One place held for the waiting patient (an offer to pay for), one open to everyone.
    expect(body.session.quota).toEqual({ public: 16, referral: 0, priority: 2 });
    expect(body.session.taken).toEqual({ public: 15, referral: 0, priority: 1 });

    const entries = await readJson(await world.app.fetch('/api/v1/waitlist', asPatient(waiting)));
    expect(entries.items).toHaveLength(1);
    expect(entries.items[0]).toMatchObject({ status: 'offered', statusText: '候补成功，待支付' });
    const db = world.app.connection.db!;
    const offer = await db.collection('appointments').findOne({ patientId: new ObjectId(waiting.patientId) });
    expect(offer).toMatchObject({ status: 'pending_payment', bookedBy: 'waitlist', channel: 'public', placeHeld: true, queueNumber: 17 });
    const open = (await morningOf(DOCTOR, DATE)).filter((s: { bookable: boolean }) => s.bookable);
    expect(open).toHaveLength(1);
    expect(open[0].id).not.toBe(offer!.slotId);
  });

  it('refuses bad input with 400 naming the field, and adds nothing', async () => {
    await morningOf(DOCTOR, DATE);
    const cases: Array<[unknown, string]> = [
      [{}, 'count'],
      [{ count: 0 }, 'count'],
      [{ count: 101 }, 'count'],
      [{ count: 2.5 }, 'count'],
      [{ count: '3' }, 'count'],
      [{ percent: 0 }, 'percent'],
      [{ percent: 150 }, 'percent'],
      [{ count: 2, percent: 30 }, 'count'],
      [{ count: 2, extra: true }, ''],
    ];
    for (const [input, field] of cases) {
      const response = await world.app.fetch(placesPath(SESSION), asStaff(tokens.scheduler, 'POST', input));
      expect(response.status, JSON.stringify(input)).toBe(400);
      const { error } = await readJson(response);
      expect(error.code).toBe('invalid_request');
      if (field) expect(JSON.stringify(error.details), JSON.stringify(input)).toContain(field);
    }
    expect(await morningOf(DOCTOR, DATE)).toHaveLength(16);
  });

  it('is for schedulers and admins of the session’s institution only', async () => {
    await morningOf(DOCTOR, DATE);
    await morningOf('pract-county-internal-1', DATE);
    expect((await world.app.fetch(placesPath(SESSION), asStaff(tokens.doctor, 'POST', { count: 1 }))).status).toBe(403);
    expect((await world.app.fetch(placesPath(SESSION), asPatient(fresh(), 'POST', { count: 1 }))).status).toBe(401);
    expect((await world.app.fetch(placesPath(SESSION), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"count":1}' })).status).toBe(401);
    const county = await world.app.fetch(placesPath(`pract-county-internal-1|${DATE}|morning`), asStaff(tokens.scheduler, 'POST', { count: 1 }));
    expect(county.status).toBe(404);
    expect((await world.app.fetch(placesPath(`${DOCTOR}|2030-03-09|morning`), asStaff(tokens.scheduler, 'POST', { count: 1 }))).status).toBe(404);
    expect(await morningOf('pract-county-internal-1', DATE)).toHaveLength(16);
    expect(await morningOf(DOCTOR, DATE)).toHaveLength(16);
  });

  it('refuses a stopped session and one that has begun (409), adding nothing at the hospital', async () => {
    await morningOf(DOCTOR, DATE);
    const stop = await world.app.fetch(`/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/stop`, asStaff(tokens.scheduler, 'POST', { reason: '外出会诊' }));
    expect(stop.status).toBe(200);
    const stopped = await world.app.fetch(placesPath(SESSION), asStaff(tokens.scheduler, 'POST', { count: 2 }));
    expect(stopped.status).toBe(409);
    expect((await readJson(stopped)).error).toEqual({ code: 'session_stopped', message: '该时段已停诊，不能加号' });

    // Today's morning clinic (Wednesday 2030-03-06) began at 08:00; it is 09:10.
    await morningOf(DOCTOR, '2030-03-06');
    const begun = await world.app.fetch(placesPath(`${DOCTOR}|2030-03-06|morning`), asStaff(tokens.scheduler, 'POST', { count: 2 }));
    expect(begun.status).toBe(409);
    expect((await readJson(begun)).error.code).toBe('session_started');
    expect(await morningOf(DOCTOR, '2030-03-06')).toHaveLength(16);
  });

  it('says so when the hospital cannot be reached (503), and nothing is added', async () => {
    await morningOf(DOCTOR, DATE);
    world.hospital.faults.set({ errorRate: 1, match: '/Slot' });
    const response = await world.app.fetch(placesPath(SESSION), asStaff(tokens.scheduler, 'POST', { count: 2 }));
    expect(response.status).toBe(503);
    world.hospital.faults.clear();
    expect(await morningOf(DOCTOR, DATE)).toHaveLength(16);
  });
});
