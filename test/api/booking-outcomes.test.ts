import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signPatientAccessToken } from '../../server/src/http/auth.js';
import { readJson, testJwtSecret } from '../support/app.js';
import {
  asPatient,
  book,
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

// Visit outcomes through the real path: the hospital (simulator) records a visit as seen or as a
// no-show; the outcome job reads booked visits that ended from the hospital in batches and marks
// them 已就诊 / 爽约; three no-shows within 90 days pause the patient's online booking for 30 days
// from the latest (403 booking_paused_no_show, the end in the message).

const DOCTOR = 'pract-core-cardio-3';
const HOUR = 3_600_000;

let world: BookingWorld;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;

beforeAll(async () => {
  world = await startBookingWorld();
  patients = await seedPatients(world.app, world.clock, 10);
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await resetBooking(world);
});

const db = () => world.app.connection.db!;
const runJob = () => world.app.booking!.jobs.recordVisitOutcomes();

/** The patient with a token valid for 30 days from the test clock's now (seeded tokens expire). */
function signedIn(patient: TestPatient): TestPatient {
  return { ...patient, token: signPatientAccessToken(patient.accountId, testJwtSecret, world.clock.now(), 30 * 86_400) };
}

/** Books the first bookable slot of the doctor's day and pays: a registered visit. */
async function visit(patient: TestPatient, date: string) {
  const { items } = await listSlots(world.app, DOCTOR, date);
  const slot = items.find((s: { bookable: boolean }) => s.bookable);
  if (!slot) throw new Error(`no bookable slot on ${date}`);
  const held = await bookOk(world.app, patient, slot.id);
  await payInSandbox(world, patient, held.id);
  const record = await db().collection('appointments').findOne({ _id: new ObjectId(held.id as string) });
  expect(record).toMatchObject({ status: 'booked' });
  return { id: held.id as string, start: record!.start as Date, end: record!.end as Date, registrationId: record!.hospital.registrationId as string };
}

/** The clinic records the visit's outcome at the hospital (simulator test control). */
async function markAtHospital(registrationId: string, outcome: 'fulfilled' | 'noshow') {
  const response = await fetch(`${world.hospital.adminUrl}/appointments/${registrationId}/outcome`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ outcome }),
  });
  expect(response.status).toBe(200);
}

async function pastView(patient: TestPatient) {
  const response = await world.app.fetch('/api/v1/appointments?view=past', asPatient(patient));
  expect(response.status).toBe(200);
  return (await readJson(response)).items.map((a: { id: string; status: string; statusText: string }) => [a.id, a.status, a.statusText]);
}

const appointmentDocs = () => db().collection('appointments').find({}, { sort: { _id: 1 } }).toArray();

describe('visit outcomes', () => {
  it('a visit marked fulfilled at the hospital becomes completed (已就诊); a visit without an outcome yet is asked about again later', async () => {
    const patient = fresh();
    const v = await visit(patient, '2030-03-07');
    // Before the visit ended nothing is looked up.
    world.clock.set(new Date(v.end.getTime() - 60_000));
    expect(await runJob()).toEqual({ checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 0 });

    // Ended, but the clinic has recorded nothing yet: still booked, asked again in 15 minutes.
    world.clock.set(new Date(v.end.getTime() + 5 * 60_000));
    expect(await runJob()).toEqual({ checked: 1, completed: 0, noShows: 0, deferred: 1, failed: 0 });
    expect(await pastView(patient)).toEqual([[v.id, 'booked', '已预约']]);
    await markAtHospital(v.registrationId, 'fulfilled');
    expect(await runJob()).toEqual({ checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 0 });

    world.clock.advance(15 * 60_000);
    expect(await runJob()).toEqual({ checked: 1, completed: 1, noShows: 0, deferred: 0, failed: 0 });
    const { status, body } = await getAppointment(world.app, patient, v.id);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'completed', statusText: '已就诊', payment: { status: 'paid' }, refund: null, cancel: { allowed: false } });
    expect(body.visit).not.toBeNull();
    expect(await pastView(patient)).toEqual([[v.id, 'completed', '已就诊']]);

    // Idempotent: running again changes nothing.
    const before = await appointmentDocs();
    expect(await runJob()).toEqual({ checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 0 });
    expect(await appointmentDocs()).toEqual(before);
  });

  it('three no-shows within 90 days pause online booking for 30 days from the latest; after the pause booking works again', async () => {
    const patient = fresh();
    const visits = [await visit(patient, '2030-03-07'), await visit(patient, '2030-03-08'), await visit(patient, '2030-03-11')];
    // The clinic marks each one a no-show after its session.
    for (const v of visits) {
      world.clock.set(new Date(v.end.getTime() + HOUR));
      await markAtHospital(v.registrationId, 'noshow');
    }
    expect(await runJob()).toEqual({ checked: 3, completed: 0, noShows: 3, deferred: 0, failed: 0 });
    expect(await pastView(patient)).toEqual(visits.map((v) => [v.id, 'no_show', '爽约']).reverse());

    // Idempotent: a second run (on this or another instance) changes nothing.
    const before = await appointmentDocs();
    expect(await runJob()).toEqual({ checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 0 });
    expect(await appointmentDocs()).toEqual(before);

    // The 4th booking attempt is refused with the date the pause ends (latest no-show + 30 days).
    const pausedUntil = new Date(visits[2]!.start.getTime() + 30 * 86_400_000);
    const shanghai = new Date(pausedUntil.getTime() + 8 * HOUR).toISOString();
    expect(shanghai.slice(0, 10)).toBe('2030-04-10');
    const hhmm = shanghai.slice(11, 16);
    const { items } = await listSlots(world.app, DOCTOR, '2030-03-13');
    const slot = items.find((s: { bookable: boolean }) => s.bookable);
    const refused = await book(world.app, patient, slot.id);
    expect(refused.status).toBe(403);
    expect(await readJson(refused)).toEqual({
      error: {
        code: 'booking_paused_no_show',
        message: `该就诊人90天内爽约已达3次，在线预约暂停30天（爽约规则），4月10日 ${hhmm}后恢复；如有疑问请联系医院`,
        details: { pausedUntil: pausedUntil.toISOString(), threshold: 3, windowDays: 90, pauseDays: 30 },
      },
    });
    expect(await db().collection('appointments').countDocuments({ status: { $in: ['pending_payment', 'booked'] } })).toBe(0);

    // A minute before the end still paused; once it ended the patient books again.
    const again = signedIn(patient);
    world.clock.set(new Date(pausedUntil.getTime() - 60_000));
    const day = await listSlots(world.app, DOCTOR, '2030-04-12');
    const later = day.items.find((s: { bookable: boolean }) => s.bookable);
    expect((await book(world.app, again, later.id)).status).toBe(403);
    world.clock.set(pausedUntil);
    const booked = await bookOk(world.app, again, later.id);
    expect(booked).toMatchObject({ status: 'pending_payment', slotId: later.id });
  });

  it('no-shows older than the 90-day window do not count', async () => {
    const patient = fresh();
    const old = await visit(patient, '2030-03-07');
    world.clock.set(new Date(old.end.getTime() + HOUR));
    await markAtHospital(old.registrationId, 'noshow');
    expect(await runJob()).toMatchObject({ noShows: 1 });

    // 91 days later two more: three in all, two within the window.
    world.clock.set(new Date(old.start.getTime() + 91 * 86_400_000));
    const current = signedIn(patient);
    const recent = [await visit(current, '2030-06-07'), await visit(current, '2030-06-10')];
    for (const v of recent) {
      world.clock.set(new Date(v.end.getTime() + HOUR));
      await markAtHospital(v.registrationId, 'noshow');
    }
    expect(await runJob()).toEqual({ checked: 2, completed: 0, noShows: 2, deferred: 0, failed: 0 });
    expect(await db().collection('appointments').countDocuments({ status: 'no_show' })).toBe(3);

    const { items } = await listSlots(world.app, DOCTOR, '2030-06-12');
    const slot = items.find((s: { bookable: boolean }) => s.bookable);
    expect(await bookOk(world.app, current, slot.id)).toMatchObject({ status: 'pending_payment' });
  });

  it('the demo hospital records unmarked visits as seen some hours after the session', async () => {
    const patient = fresh();
    const v = await visit(patient, '2030-03-07');
    world.clock.set(new Date(v.end.getTime() + 4 * HOUR));
    expect(await runJob()).toEqual({ checked: 1, completed: 1, noShows: 0, deferred: 0, failed: 0 });
    expect((await getAppointment(world.app, patient, v.id)).body).toMatchObject({ status: 'completed', statusText: '已就诊' });
  });

  it('with the hospital down nothing changes; the next run records the outcome', async () => {
    const patient = fresh();
    const v = await visit(patient, '2030-03-07');
    world.clock.set(new Date(v.end.getTime() + HOUR));
    await markAtHospital(v.registrationId, 'noshow');
    const before = await appointmentDocs();

    world.hospital.faults.set({ errorRate: 1, match: '/Appointment' });
    expect(await runJob()).toEqual({ checked: 0, completed: 0, noShows: 0, deferred: 0, failed: 1 });
    expect(await appointmentDocs()).toEqual(before);

    world.hospital.faults.clear();
    world.clock.advance(10 * 60_000);
    expect(await runJob()).toEqual({ checked: 1, completed: 0, noShows: 1, deferred: 0, failed: 0 });
    expect((await getAppointment(world.app, patient, v.id)).body).toMatchObject({ status: 'no_show', statusText: '爽约', visit: null });
  });

  it("another account never sees a patient's outcome", async () => {
    const owner = fresh();
    const other = fresh();
    const v = await visit(owner, '2030-03-07');
    world.clock.set(new Date(v.end.getTime() + HOUR));
    await markAtHospital(v.registrationId, 'noshow');
    await runJob();
    expect((await getAppointment(world.app, other, v.id)).status).toBe(404);
    expect(await pastView(other)).toEqual([]);
  });
});
