import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/index.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { readJson } from '../support/app.js';
import { book, listSlots, seedPatients, startBookingWorld, type BookingWorld } from '../support/booking.js';

// The rush, exactly: 500 concurrent booking attempts from 500 patients (500 accounts) on
// a session with 20 slots → exactly 20 holds, 480 × 409, no duplicates, counts consistent in the
// database afterwards. The session is 彭浩's (pract-core-surgery-3, attending, 普通外科) on Monday 2030-03-11
// morning: 16 slots at the hospital, none taken there yet. The scheduler opens all of them to the
// public (no priority or referral places) and adds 4 places (加号, through the hospital), so the
// session has exactly 20 public places — then 500 patients try to book it at once.

const DOCTOR = 'pract-core-surgery-3';
const DATE = '2030-03-11';
const SESSION = `${DOCTOR}|${DATE}|morning`;
const PLACES = 20;
const RUSH = 500;

let world: BookingWorld;
let scheduler: string;

beforeAll(async () => {
  world = await startBookingWorld({ staffAuth: true });
  const account = demoStaffAccounts.find((a) => a.username === 'scheduler.core')!;
  const totp = account.totpSecret ? { totp: totpCode(account.totpSecret, world.clock.now()) } : {};
  const login = await world.app.fetch('/api/v1/staff/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: account.username, password: demoStaffPassword, ...totp }),
  });
  expect(login.status).toBe(200);
  scheduler = (await readJson(login)).accessToken;
});
afterAll(async () => {
  await world?.close();
});

const asScheduler = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { Authorization: `Bearer ${scheduler}`, 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('500 concurrent bookings of a 20-place session', () => {
  it('gives each place to exactly one patient and 409 slot_unavailable to the other 480', async () => {
    const morning = (await listSlots(world.app, DOCTOR, DATE)).items.filter((s: { period: string }) => s.period === 'morning');
    expect(morning).toHaveLength(16);
    expect(morning.filter((s: { reason?: string }) => s.reason === 'booked_out')).toEqual([]);

    // The session made into 20 public places: every place public, then 加号 +4.
    const quota = await world.app.fetch(`/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/quota`, asScheduler('PUT', { referral: 0, priority: 0 }));
    expect(quota.status).toBe(200);
    const places = await world.app.fetch(`/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/places`, asScheduler('POST', { count: 4 }));
    expect(places.status).toBe(200);
    const session = (await readJson(places)).session;
    expect(session.quota).toEqual({ public: PLACES, referral: 0, priority: 0 });
    expect(session.taken).toEqual({ public: 0, referral: 0, priority: 0 });

    const offered = (await listSlots(world.app, DOCTOR, DATE)).items.filter((s: { period: string }) => s.period === 'morning');
    expect(offered).toHaveLength(PLACES);
    const bookable: string[] = offered.filter((s: { bookable: boolean; channel: string }) => s.bookable && s.channel === 'public').map((s: { id: string }) => s.id);
    expect(bookable).toHaveLength(PLACES);

    // 500 patients at once, 25 on each place.
    const patients = await seedPatients(world.app, world.clock, RUSH);
    const responses = await Promise.all(
      patients.map(async (patient, i) => {
        const slotId = bookable[i % PLACES]!;
        const response = await book(world.app, patient, slotId);
        return { patientId: patient.patientId, slotId, status: response.status, body: await readJson(response) };
      }),
    );

    const held = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    expect(held).toHaveLength(PLACES);
    expect(refused).toHaveLength(RUSH - PLACES);
    expect(new Set(refused.map((r) => `${r.status} ${r.body.error.code}`))).toEqual(new Set(['409 slot_unavailable']));
    expect(refused[0]!.body.error.message).toBe('该号源已被约满，请选择其他时段或登记候补');
    // No duplicates: 20 distinct places, each held once, by 20 distinct patients.
    expect(new Set(held.map((r) => r.body.slotId)).size).toBe(PLACES);
    expect(held.map((r) => r.body.slotId).sort()).toEqual([...bookable].sort());
    expect(new Set(held.map((r) => r.patientId)).size).toBe(PLACES);
    expect(held.every((r) => r.body.slotId === r.slotId && r.body.status === 'pending_payment' && r.body.payBy === '2030-03-06T09:25:00+08:00')).toBe(true);

    // The database agrees: each of the 20 places taken once, one live appointment per place, one claim per patient.
    const db = world.app.connection.db!;
    const slots = await db.collection('booking_slots').find({ sessionId: SESSION }).toArray();
    expect(slots).toHaveLength(PLACES);
    expect(slots.every((s) => s.taken === 1 && s.capacity === 1 && s.channel === 'public')).toBe(true);
    const appointments = await db.collection('appointments').find({}).toArray();
    expect(appointments).toHaveLength(PLACES);
    expect(appointments.every((a) => a.status === 'pending_payment' && a.placeHeld === true && a.hospital.lock === 'locked' && a.sessionId === SESSION)).toBe(true);
    expect(appointments.map((a) => a.slotId).sort()).toEqual([...bookable].sort());
    expect(appointments.map((a) => a.patientId.toString()).sort()).toEqual(held.map((r) => r.patientId).sort());
    expect(appointments.map((a) => a.queueNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: PLACES }, (_, i) => i + 1));
    const claims = await db.collection('booking_patient_claims').find({ 'active.0': { $exists: true } }).toArray();
    expect(claims).toHaveLength(PLACES);
    expect(claims.every((c) => c.active.length === 1)).toBe(true);

    // So does the hospital: 20 held registrations, one per place, each ours.
    const hospitalHolds = world.hospital.state().appointments.filter((a) => a.status === 'pending');
    expect(world.hospital.state().appointments).toHaveLength(PLACES);
    expect(hospitalHolds.map((a) => a.slot).sort()).toEqual(bookable.map((id) => `Slot/${id}`).sort());
    expect(appointments.every((a) => hospitalHolds.some((h) => h.id === a.hospital.registrationId))).toBe(true);

    const after = await listSlots(world.app, DOCTOR, DATE);
    expect(after.items.filter((s: { period: string; bookable: boolean }) => s.period === 'morning' && s.bookable)).toEqual([]);
    const staffView = await readJson(
      await world.app.fetch(`/api/v1/staff/sessions?doctorId=${DOCTOR}&date=${DATE}`, { headers: { Authorization: `Bearer ${scheduler}` } }),
    );
    expect(staffView.items[0]).toMatchObject({ id: SESSION, quota: { public: PLACES, referral: 0, priority: 0 }, taken: { public: PLACES, referral: 0, priority: 0 } });
  });
});
