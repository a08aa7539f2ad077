import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { seedPatientDocuments, type TestPatient } from './patient-factory.js';
import { readJson, startTestApp, testClock, testFieldEncryptionKey, testJwtSecret, type TestApp, type TestAppOptions, type TestClock } from './app.js';
import { useTestMongo, type TestMongo } from './mongo.js';

export type { TestPatient } from './patient-factory.js';

/**
 * The booking test world: the real app with booking mounted on the embedded database, the
 * hospital simulator and the WeChat Pay sandbox, all on one test clock; and factories for
 * patients (accounts with a `self` 就诊人, written straight to the database, with their tokens)
 * so a test with 500 patients does not sign 500 people in first.
 */

/** Wednesday 2030-03-06, 09:10 in Shanghai: days up to 2030-03-12 are open, 2030-03-13 opens at 15:00. */
export const BOOKING_NOW = '2030-03-06T09:10:00+08:00';

/** A running booking world. */
export interface BookingWorld {
  mongo: TestMongo;
  clock: TestClock;
  hospital: RunningSimulator;
  app: TestApp;
  /** The WeChat sandbox, when asked for (`wechat: true`): sign-in and subscribe messages. */
  wechat?: RunningWechatSandbox;
  close(): Promise<void>;
}

/**
 * Starts the world; `env` overrides config (rules), `staffAuth` mounts staff sign-in, `wechat`
 * starts the WeChat sandbox (on the same clock) for subscribe messages.
 */
export async function startBookingWorld(
  options: { env?: Record<string, string>; staffAuth?: boolean; booking?: TestAppOptions['booking']; now?: string; wechat?: boolean } = {},
): Promise<BookingWorld> {
  const mongo = await useTestMongo();
  const clock = testClock(options.now ?? BOOKING_NOW);
  const hospital = await startHospitalSimulator({ now: () => clock.now() });
  const wechat = options.wechat ? await startWechatSandbox({ now: () => clock.now() }) : undefined;
  const app = await startTestApp({
    mongoUri: mongo.uri,
    clock,
    hospitalBaseUrl: hospital.baseUrl,
    ...(wechat ? { wechat: { baseUrl: wechat.baseUrl } } : {}),
    env: { LOG_LEVEL: 'info', ...options.env },
    staffAuth: options.staffAuth ?? false,
    booking: options.booking ?? { registrationQuickRetryDelaysMs: [50, 100] },
  });
  return {
    mongo,
    clock,
    hospital,
    app,
    ...(wechat ? { wechat } : {}),
    async close() {
      await app.close();
      await hospital.stop();
      await wechat?.stop();
      await mongo.stop();
    },
  };
}

/**
 * Back to a clean start between tests: background work finished, the clock at BOOKING_NOW, no
 * faults, no appointments, inventory or claims, the hospital re-seeded, notifies delivered again.
 */
export async function resetBooking(world: BookingWorld): Promise<void> {
  await world.app.booking!.idle();
  world.clock.set(BOOKING_NOW);
  world.hospital.faults.clear();
  world.app.wechatPaySandbox!.controls.dropNotifies(false);
  const db = world.app.connection.db!;
  await Promise.all(
    [
      'appointments',
      'booking_slots',
      'booking_sessions',
      'booking_days',
      'booking_patient_claims',
      'booking_rate_windows',
      'notifications',
      'payment_events',
      'waitlist_entries',
    ].map((c) => db.collection(c).deleteMany({})),
  );
  world.hospital.reset();
}

/**
 * `count` accounts, each with one `self` patient, inserted directly (encrypted as the patients
 * service stores them), with an access token valid for 30 days of the app's clock.
 */
export async function seedPatients(app: TestApp, clock: TestClock, count: number): Promise<TestPatient[]> {
  return seedPatientDocuments(app.connection.db!, clock.now(), count, { fieldEncryptionKey: testFieldEncryptionKey, jwtSecret: testJwtSecret });
}

/** Request options with JSON and the patient's token. */
export function asPatient(patient: Pick<TestPatient, 'token'> | string, method = 'GET', body?: unknown): RequestInit {
  const token = typeof patient === 'string' ? patient : patient.token;
  return {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** `GET /doctors/:id/slots?date=` (JSON). */
export async function listSlots(app: TestApp, doctorId: string, date: string) {
  const response = await app.fetch(`/api/v1/doctors/${doctorId}/slots?date=${date}`);
  if (response.status !== 200) throw new Error(`slots ${response.status}: ${await response.text()}`);
  return readJson(response);
}

/** Books `slotId` for the patient; the response. */
export function book(app: TestApp, patient: TestPatient, slotId: string): Promise<Response> {
  return app.fetch('/api/v1/appointments', asPatient(patient, 'POST', { slotId, patientId: patient.patientId }));
}

/** Books and expects 201; the appointment. */
export async function bookOk(app: TestApp, patient: TestPatient, slotId: string) {
  const response = await book(app, patient, slotId);
  const body = await readJson(response);
  if (response.status !== 201) throw new Error(`booking ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Pays an appointment in the sandbox (as the cashier's 确认支付 would), the first notify delivered. */
export async function payInSandbox(world: BookingWorld, patient: TestPatient, appointmentId: string) {
  const response = await world.app.fetch(`/api/v1/appointments/${appointmentId}/pay`, asPatient(patient, 'POST'));
  const params = await readJson(response);
  if (response.status !== 200) throw new Error(`pay ${response.status}: ${JSON.stringify(params)}`);
  await world.app.wechatPaySandbox!.controls.pay(params.outTradeNo);
  await world.app.booking!.idle();
  return params;
}

/** The appointment as its patient sees it. */
export async function getAppointment(app: TestApp, patient: TestPatient, appointmentId: string) {
  const response = await app.fetch(`/api/v1/appointments/${appointmentId}`, asPatient(patient));
  return { status: response.status, body: await readJson(response) };
}
