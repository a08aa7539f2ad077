import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import {
  asPatient,
  bookOk,
  getAppointment,
  listSlots,
  payInSandbox,
  resetBooking,
  seedPatients,
  startBookingWorld,
  type BookingWorld,
  type TestPatient,
} from '../support/booking.js';

// The waitlist (候补) of a full doctor's day: a released place goes to the first waiting patient
// as a hold with 30 minutes to pay and a notification; unpaid, it passes to the next; nobody
// holds two offers at once. Holds last 60 minutes here, so only the offers expire in these tests.

const DATE = '2030-03-07';
const DOCTOR_A = 'pract-core-cardio-3';
const DOCTOR_B = 'pract-core-cardio-4';

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;

beforeAll(async () => {
  world = await startBookingWorld({ env: { BOOKING_PAY_WITHIN_MINUTES: '60' } });
  patients = await seedPatients(world.app, world.clock, 80);
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
});

/** Books every bookable place of a doctor's day; the holders and their appointments, in slot order. */
async function fillDay(doctorId: string): Promise<Array<{ patient: TestPatient; appointment: { id: string; slotId: string } }>> {
  const day = await listSlots(world.app, doctorId, DATE);
  const bookable: string[] = day.items.filter((s: { bookable: boolean }) => s.bookable).map((s: { id: string }) => s.id);
  expect(bookable.length).toBeGreaterThan(2);
  const holders = [];
  for (const slotId of bookable) {
    const patient = fresh();
    holders.push({ patient, appointment: await bookOk(world.app, patient, slotId) });
  }
  const full = await listSlots(world.app, doctorId, DATE);
  expect(full.items.filter((s: { bookable: boolean }) => s.bookable)).toEqual([]);
  expect(full.waitlistOpen).toBe(true);
  return holders;
}

async function join(patient: TestPatient, doctorId: string) {
  return world.app.fetch('/api/v1/waitlist', asPatient(patient, 'POST', { patientId: patient.patientId, date: DATE, doctorId }));
}

async function entriesOf(patient: TestPatient) {
  const response = await world.app.fetch('/api/v1/waitlist', asPatient(patient));
  expect(response.status).toBe(200);
  return (await readJson(response)).items;
}

async function cancel(patient: TestPatient, appointmentId: string) {
  const response = await world.app.fetch(`/api/v1/appointments/${appointmentId}/cancel`, asPatient(patient, 'POST', {}));
  expect(response.status).toBe(200);
}

describe('the waitlist', () => {
  it('offers a released place to the first in line; unpaid, it passes to the next; paid, it is booked', async () => {
    const holders = await fillDay(DOCTOR_A);
    const [w1, w2, w3] = [fresh(), fresh(), fresh()];
    const joined = await join(w1, DOCTOR_A);
    expect(joined.status).toBe(201);
    expect(await readJson(joined)).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      status: 'waiting',
      statusText: '候补中',
      patient: { id: w1.patientId, name: w1.name },
      date: DATE,
      doctorId: DOCTOR_A,
      departmentId: 'dept-core-cardiology',
      position: 1,
      createdAt: '2030-03-06T09:10:00+08:00',
      offer: null,
    });
    world.clock.advance(1_000);
    expect((await readJson(await join(w2, DOCTOR_A))).position).toBe(2);
    world.clock.advance(1_000);
    expect((await readJson(await join(w3, DOCTOR_A))).position).toBe(3);
    const twice = await join(w1, DOCTOR_A);
    expect(twice.status).toBe(409);
    expect((await readJson(twice)).error).toEqual({ code: 'waitlist_exists', message: '该就诊人已登记过这一天的候补，请在“我的候补”中查看' });

    // A holder cancels: the place goes to w1, not to the public.
    const released = holders[0]!.appointment;
    await cancel(holders[0]!.patient, released.id);
    const [offered] = await entriesOf(w1);
    expect(offered).toMatchObject({ status: 'offered', statusText: '候补成功，待支付', position: null, offer: { payBy: '2030-03-06T09:40:02+08:00' } });
    const offer = await getAppointment(world.app, w1, offered.offer.appointmentId);
    expect(offer.body).toMatchObject({ status: 'pending_payment', slotId: released.slotId, payBy: '2030-03-06T09:40:02+08:00' });
    expect((await listSlots(world.app, DOCTOR_A, DATE)).items.find((s: { id: string }) => s.id === released.slotId)).toMatchObject({ bookable: false });
    expect((await entriesOf(w2))[0]).toMatchObject({ status: 'waiting', position: 1 });
    const db = world.app.connection.db!;
    expect((await db.collection('notifications').find({ kind: 'waitlist_offer' }).toArray()).map((n) => [n.title, n.body])).toEqual([
      ['候补成功，请尽快支付', `${w1.name}候补的3月7日 ${offer.body.start.slice(11, 16)} 心血管内科 赵鹏已为您保留，请在3月6日 09:40前完成支付，逾期号源将转给下一位候补。`],
    ]);

    // w1 lets the 30 minutes pass: the offer expires and the place goes to w2.
    world.clock.advance(30 * 60_000);
    expect(await world.app.booking!.jobs.expireHolds()).toBe(1);
    expect((await entriesOf(w1))[0]).toMatchObject({ status: 'expired', statusText: '候补号源已失效', offer: null });
    expect(await db.collection('notifications').countDocuments({ kind: 'waitlist_offer_expired', patientId: { $exists: true } })).toBe(1);
    const [second] = await entriesOf(w2);
    expect(second.status).toBe('offered');
    expect((await getAppointment(world.app, w2, second.offer.appointmentId)).body.slotId).toBe(released.slotId);
    expect((await entriesOf(w3))[0]).toMatchObject({ status: 'waiting', position: 1 });

    // w2 pays: booked, and the entry says so.
    await payInSandbox(world, w2, second.offer.appointmentId);
    expect((await getAppointment(world.app, w2, second.offer.appointmentId)).body.status).toBe('booked');
    expect((await entriesOf(w2))[0]).toMatchObject({ status: 'booked', statusText: '候补成功' });
  });

  it('never gives one patient two offers at once: the second place goes to the next in line', async () => {
    const a = await fillDay(DOCTOR_A);
    const b = await fillDay(DOCTOR_B);
    const [both, onlyB] = [fresh(), fresh()];
    expect((await join(both, DOCTOR_A)).status).toBe(201);
    expect((await join(both, DOCTOR_B)).status).toBe(201);
    world.clock.advance(1_000);
    expect((await join(onlyB, DOCTOR_B)).status).toBe(201);

    await cancel(a[0]!.patient, a[0]!.appointment.id);
    await cancel(b[0]!.patient, b[0]!.appointment.id);
    const entries = await entriesOf(both);
    expect(entries.map((e: { doctorId: string; status: string }) => `${e.doctorId} ${e.status}`).sort()).toEqual([
      `${DOCTOR_A} offered`,
      `${DOCTOR_B} waiting`,
    ]);
    const [second] = await entriesOf(onlyB);
    expect(second).toMatchObject({ status: 'offered' });
    expect((await getAppointment(world.app, onlyB, second.offer.appointmentId)).body.slotId).toBe(b[0]!.appointment.slotId);

    // Giving up the offer (leaving the waitlist) releases its hold; nobody else waits for A, so
    // the place goes back to everyone.
    const offered = entries.find((e: { status: string }) => e.status === 'offered');
    const leave = await world.app.fetch(`/api/v1/waitlist/${offered.id}`, asPatient(both, 'DELETE'));
    expect(leave.status).toBe(204);
    expect((await getAppointment(world.app, both, offered.offer.appointmentId)).body).toMatchObject({
      status: 'cancelled',
      cancelReasonText: '您已取消候补，保留的号源已释放',
    });
    expect((await entriesOf(both)).find((e: { id: string }) => e.id === offered.id)).toMatchObject({ status: 'cancelled' });
    expect((await listSlots(world.app, DOCTOR_A, DATE)).items.find((s: { id: string }) => s.id === a[0]!.appointment.slotId)).toMatchObject({ bookable: true });
    // …and with the offer given up, `both` may be offered B's next place.
    await cancel(b[1]!.patient, b[1]!.appointment.id);
    expect((await entriesOf(both)).find((e: { doctorId: string }) => e.doctorId === DOCTOR_B)).toMatchObject({ status: 'offered' });
  });

  it('keeps every place accounted for when places of two days are released at the same moment', async () => {
    const a = await fillDay(DOCTOR_A);
    const b = await fillDay(DOCTOR_B);
    const both = fresh();
    expect((await join(both, DOCTOR_A)).status).toBe(201);
    expect((await join(both, DOCTOR_B)).status).toBe(201);
    await Promise.all([cancel(a[0]!.patient, a[0]!.appointment.id), cancel(b[0]!.patient, b[0]!.appointment.id)]);
    const offered = (await entriesOf(both)).filter((e: { status: string }) => e.status === 'offered');
    expect(offered).toHaveLength(1);
    // The other place went back to everyone: one of the two slots is bookable, never both, never none.
    const bookableAgain = [
      (await listSlots(world.app, DOCTOR_A, DATE)).items.find((s: { id: string }) => s.id === a[0]!.appointment.slotId).bookable,
      (await listSlots(world.app, DOCTOR_B, DATE)).items.find((s: { id: string }) => s.id === b[0]!.appointment.slotId).bookable,
    ];
    expect(bookableAgain.filter(Boolean)).toHaveLength(1);
    const slots = await world.app.connection.db!.collection('booking_slots').find({ date: DATE, taken: { $gt: 1 } }).toArray();
    expect(slots).toEqual([]);
  });

  it('is not needed while places are free, and is only for the account’s own patients', async () => {
    const patient = fresh();
    await listSlots(world.app, DOCTOR_A, DATE);
    const response = await join(patient, DOCTOR_A);
    expect(response.status).toBe(409);
    expect((await readJson(response)).error).toEqual({ code: 'waitlist_not_needed', message: '该医生当天还有可预约的号源，请直接预约' });
    const other = fresh();
    const foreign = await world.app.fetch(
      '/api/v1/waitlist',
      asPatient(other, 'POST', { patientId: patient.patientId, date: DATE, departmentId: 'dept-core-cardiology' }),
    );
    expect(foreign.status).toBe(404);
    const neither = await world.app.fetch('/api/v1/waitlist', asPatient(patient, 'POST', { patientId: patient.patientId, date: DATE }));
    expect(neither.status).toBe(400);
    expect((await readJson(neither)).error.details).toEqual([{ path: 'body.doctorId', code: 'custom', message: '请选择候补的医生或科室（二选一）' }]);
  });
});
