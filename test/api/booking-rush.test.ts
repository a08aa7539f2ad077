import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import { book, listSlots, seedPatients, startBookingWorld, type BookingWorld } from '../support/booking.js';

// The rush at opening time: 500 patients (500 accounts) try to book one session at once. The
// session is 赵鹏 (pract-core-cardio-3, attending) on Monday 2030-03-11 morning: 16 slots at the
// hospital, 4 of them already taken there, 1 kept for the priority channel, so 11 places are
// bookable online. (The simulator's sessions have 16 fifteen-minute slots, one patient each, so a
// 20-place session does not exist there; holds.test.ts races 500 holds for 20 places straight on
// the database.) Every place must be held exactly once.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const RUSH = 500;

let world: BookingWorld;
beforeAll(async () => {
  world = await startBookingWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('500 concurrent bookings of one session', () => {
  it('gives each place to exactly one patient and 409 slot_unavailable to everyone else', async () => {
    const day = await listSlots(world.app, DOCTOR, DATE);
    const morning = day.items.filter((s: { period: string }) => s.period === 'morning');
    const bookable: string[] = morning.filter((s: { bookable: boolean }) => s.bookable).map((s: { id: string }) => s.id);
    expect(morning).toHaveLength(16);
    expect(bookable).toHaveLength(11);

    const patients = await seedPatients(world.app, world.clock, RUSH);
    const responses = await Promise.all(
      patients.map(async (patient, i) => {
        const slotId = bookable[i % bookable.length]!;
        const response = await book(world.app, patient, slotId);
        return { slotId, status: response.status, body: await readJson(response) };
      }),
    );

    const held = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    expect(held).toHaveLength(11);
    expect(refused).toHaveLength(489);
    expect(new Set(refused.map((r) => `${r.status} ${r.body.error.code}`))).toEqual(new Set(['409 slot_unavailable']));
    expect(refused[0]!.body.error.message).toBe('该号源已被约满，请选择其他时段或登记候补');
    // No place twice, every bookable place once.
    expect(held.map((r) => r.body.slotId).sort()).toEqual([...bookable].sort());
    expect(held.every((r) => r.body.status === 'pending_payment' && r.body.payBy === '2030-03-06T09:25:00+08:00')).toBe(true);

    // The database agrees: each place taken once, one live appointment per place, one claim each.
    const db = world.app.connection.db!;
    const slots = await db.collection('booking_slots').find({ sessionId: `${DOCTOR}|${DATE}|morning` }).toArray();
    expect(slots.filter((s) => s.taken > 0).map((s) => s._id).sort()).toEqual([...bookable].sort());
    expect(slots.every((s) => s.taken <= s.capacity && s.taken <= 1)).toBe(true);
    const appointments = await db.collection('appointments').find({}).toArray();
    expect(appointments).toHaveLength(11);
    expect(appointments.every((a) => a.status === 'pending_payment' && a.placeHeld === true && a.hospital.lock === 'locked')).toBe(true);
    expect(new Set(appointments.map((a) => a.slotId)).size).toBe(11);
    const claims = await db.collection('booking_patient_claims').find({ 'active.0': { $exists: true } }).toArray();
    expect(claims).toHaveLength(11);

    // So does the hospital: 11 held registrations, one per place, for the patients who got them.
    const hospitalHolds = world.hospital.state().appointments.filter((a) => a.status === 'pending');
    expect(hospitalHolds).toHaveLength(11);
    expect(hospitalHolds.map((a) => a.slot).sort()).toEqual(bookable.map((id) => `Slot/${id}`).sort());

    const after = await listSlots(world.app, DOCTOR, DATE);
    expect(after.items.filter((s: { period: string; bookable: boolean }) => s.period === 'morning' && s.bookable)).toEqual([]);
  });
});
