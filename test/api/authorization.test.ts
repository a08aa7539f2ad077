import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { signPatientAccessToken } from '../../server/src/http/auth.js';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, testJwtSecret, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';
import { signInDemoStaff } from '../support/staff-sign-in.js';

// Who may touch a patient's data, route by route. ONE table lists every patient-data route —
// the patient's own (for the owner and the accounts acting for them) and the staff area's;
// every actor below is tried against every row. A new patient-data route is added to the table.
// The patient is a demo patient of the hospital simulator's MPI, seen at the core hospital
// (org-core) and the county hospital. The staff tokens are seeded demo staff (DEMO-ACCOUNTS.md):
// "a staff token" is the core hospital's institution admin — valid, not a patient token, and
// of an institution where the patient was seen, but without the patient's consent to
// processing; the same admin "with consent" is tried after the patient granted it; "a staff
// member of another institution" is the east community centre's referral coordinator.

// In the future: the embedded server's TTL sweep (real clock) would drop staff sessions otherwise.
const NOW = new Date('2030-03-06T09:10:00+08:00');
/** 李秀英 (pat-li-xiuying in the simulator's MPI): seen at org-county and org-core. */
const ID_NUMBER = '11010519850722442' + residentIdCheckChar('11010519850722442');
const NAME = '李秀英';

/**
 * A patient-data route of the patient's side: how to call it for a patient, what the owner
 * gets, and what an account acting for the owner (a proxy) gets — by default the same.
 */
interface PatientDataRoute {
  name: string;
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST';
  path: (patientId: string) => string;
  body?: (patientId: string) => unknown;
  ownerStatus: number;
  proxyStatus?: number;
}

/** A patient-data route of the staff area: what staff of the patient's institution get once the patient consented. */
interface StaffPatientDataRoute {
  audience: 'staff';
  name: string;
  method: 'GET';
  path: (patientId: string) => string;
  body?: undefined;
  staffStatus: number;
}

const ROUTES: Array<PatientDataRoute | StaffPatientDataRoute> = [
  { name: 'view a patient', method: 'GET', path: (id) => `/api/v1/patients/${id}`, ownerStatus: 200 },
  { name: 'change a patient', method: 'PATCH', path: (id) => `/api/v1/patients/${id}`, body: () => ({ allergies: ['花粉'] }), ownerStatus: 200 },
  { name: 'delete a patient', method: 'DELETE', path: (id) => `/api/v1/patients/${id}`, ownerStatus: 204, proxyStatus: 403 },
  {
    name: 'grant a consent for a patient',
    method: 'POST',
    path: () => '/api/v1/consents',
    body: (id) => ({ kind: 'alliance_sharing', version: '2026-01', patientId: id }),
    ownerStatus: 201,
  },
  {
    name: 'withdraw a consent for a patient',
    method: 'POST',
    path: () => '/api/v1/consents/withdraw',
    body: (id) => ({ kind: 'alliance_sharing', patientId: id }),
    ownerStatus: 200,
  },
  { name: 'invite a proxy', method: 'POST', path: (id) => `/api/v1/patients/${id}/proxy-invitations`, ownerStatus: 201, proxyStatus: 403 },
  { name: 'list the proxies', method: 'GET', path: (id) => `/api/v1/patients/${id}/proxies`, ownerStatus: 200, proxyStatus: 403 },
  {
    name: 'revoke a proxy',
    method: 'DELETE',
    path: (id) => `/api/v1/patients/${id}/proxies/${proxyAccountId}`,
    ownerStatus: 204,
    proxyStatus: 403,
  },
  // Booking: the patient's appointment (held in beforeEach) and waitlist entry; any other id is
  // looked up as it is, so an unknown id must answer exactly like someone else's.
  {
    name: 'book an appointment for a patient',
    method: 'POST',
    path: () => '/api/v1/appointments',
    body: (id) => ({ slotId: bookingFixture.freeSlot, patientId: id }),
    ownerStatus: 201,
  },
  { name: 'view an appointment', method: 'GET', path: (id) => `/api/v1/appointments/${appointmentOf(id)}`, ownerStatus: 200 },
  { name: 'pay for an appointment', method: 'POST', path: (id) => `/api/v1/appointments/${appointmentOf(id)}/pay`, ownerStatus: 200 },
  { name: 'cancel an appointment', method: 'POST', path: (id) => `/api/v1/appointments/${appointmentOf(id)}/cancel`, body: () => ({}), ownerStatus: 200 },
  {
    name: 'join the waitlist for a patient',
    method: 'POST',
    path: () => '/api/v1/waitlist',
    body: (id) => ({ patientId: id, date: BOOKING_DATE, departmentId: 'dept-core-endocrinology' }),
    ownerStatus: 201,
  },
  { name: 'leave the waitlist', method: 'DELETE', path: (id) => `/api/v1/waitlist/${waitlistEntryOf(id)}`, ownerStatus: 204 },
  // Messages (消息) belong to the account told (the one that booked), not to whoever acts for the
  // patient: a proxy account gets 404 like anyone else.
  {
    name: 'mark a message read',
    method: 'POST',
    path: () => '/api/v1/notifications/read',
    body: (id) => ({ ids: [notificationOf(id)] }),
    ownerStatus: 200,
    proxyStatus: 404,
  },
  { audience: 'staff', name: 'staff: view a patient', method: 'GET', path: (id) => `/api/v1/staff/patients/${id}`, staffStatus: 200 },
  { audience: 'staff', name: 'staff: export a patient', method: 'GET', path: (id) => `/api/v1/staff/patients/${id}/export`, staffStatus: 200 },
];

/** What an actor must get: a refusal, or the status the route gives the owner, a proxy or consented staff. */
type Expected = { status: number; code: string } | { status: 'owner' | 'proxy' | 'staff' };

/** Who asks, and what they must get on the patient's routes and on the staff area's. */
type Actor =
  | 'another patient account'
  | 'a staff token'
  | 'a staff member of another institution'
  | 'staff of the patient’s institution, with consent'
  | 'an expired token'
  | 'a tampered token'
  | 'a proxy account'
  | 'the owner';
const unauthenticated = { status: 401, code: 'unauthenticated' } as const;
const ACTORS: Array<{ actor: Actor; onPatientRoutes: Expected; onStaffRoutes: Expected }> = [
  { actor: 'another patient account', onPatientRoutes: { status: 404, code: 'not_found' }, onStaffRoutes: unauthenticated },
  { actor: 'a staff token', onPatientRoutes: unauthenticated, onStaffRoutes: { status: 403, code: 'consent_required' } },
  { actor: 'a staff member of another institution', onPatientRoutes: unauthenticated, onStaffRoutes: { status: 404, code: 'not_found' } },
  { actor: 'staff of the patient’s institution, with consent', onPatientRoutes: unauthenticated, onStaffRoutes: { status: 'staff' } },
  { actor: 'an expired token', onPatientRoutes: unauthenticated, onStaffRoutes: unauthenticated },
  { actor: 'a tampered token', onPatientRoutes: unauthenticated, onStaffRoutes: unauthenticated },
  { actor: 'a proxy account', onPatientRoutes: { status: 'proxy' }, onStaffRoutes: unauthenticated },
  { actor: 'the owner', onPatientRoutes: { status: 'owner' }, onStaffRoutes: unauthenticated },
];

const TABLE = ROUTES.flatMap((route) =>
  ACTORS.map(({ actor, onPatientRoutes, onStaffRoutes }) => {
    const expected = 'audience' in route ? onStaffRoutes : onPatientRoutes;
    return { actor, route, expected, status: expected.status, label: `${route.method} ${route.name}` };
  }),
);

/** The status a route gives an actor the table says is let through. */
function grantedStatus(route: PatientDataRoute | StaffPatientDataRoute, who: 'owner' | 'proxy' | 'staff'): number {
  if ('audience' in route) return route.staffStatus;
  return who === 'proxy' ? (route.proxyStatus ?? route.ownerStatus) : route.ownerStatus;
}

/** A Monday five days after NOW: open for booking. */
const BOOKING_DATE = '2030-03-11';
/** The booking rows' fixture: slots found once; the patient's appointment and waitlist entry made per case. */
const bookingFixture = { heldSlot: '', freeSlot: '', appointmentId: '', waitlistEntryId: '', notificationId: '' };
/** The patient's appointment for the patient's id; any other id as it is. */
const appointmentOf = (id: string) => (id === patientId ? bookingFixture.appointmentId : id);
/** The patient's waitlist entry for the patient's id; any other id as it is. */
const waitlistEntryOf = (id: string) => (id === patientId ? bookingFixture.waitlistEntryId : id);
/** The owner's message about the patient for the patient's id; any other id as it is. */
const notificationOf = (id: string) => (id === patientId ? bookingFixture.notificationId : id);

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let simulator: RunningSimulator;
let app: TestApp;
const tokens = {} as Record<'owner' | 'other' | 'staff' | 'otherInstitution' | 'proxy', string>;
let ownerAccountId: string;
let proxyAccountId: string;

/** A seeded demo staff member's token (admins with their TOTP code at the test clock). */
const staffSignIn = (username: string): Promise<string> => signInDemoStaff(app, clock.now(), username);

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  simulator = await startHospitalSimulator({ now: () => clock.now() });
  app = await startTestApp({
    mongoUri: mongo.uri,
    clock,
    hospitalBaseUrl: simulator.baseUrl,
    wechat: { baseUrl: sandbox.baseUrl },
    staffAuth: true,
    booking: true,
    // Every case books once for the owner within the same (pinned) minute.
    env: { BOOKING_ATTEMPTS_PER_MINUTE: '10000' },
  });
  const firstBookable = async (doctorId: string) => {
    const day = await readJson(await app.fetch(`/api/v1/doctors/${doctorId}/slots?date=${BOOKING_DATE}`));
    return day.items.find((s: { bookable: boolean }) => s.bookable).id as string;
  };
  bookingFixture.heldSlot = await firstBookable('pract-core-cardio-3');
  bookingFixture.freeSlot = await firstBookable('pract-core-endo-3');
  const owner = await patientSignIn('sandbox:owner');
  tokens.owner = owner.accessToken;
  ownerAccountId = owner.account.id;
  tokens.other = (await patientSignIn('sandbox:stranger')).accessToken;
  const proxy = await patientSignIn('sandbox:family-proxy');
  tokens.proxy = proxy.accessToken;
  proxyAccountId = proxy.account.id;
  tokens.staff = await staffSignIn('admin.core');
  tokens.otherInstitution = await staffSignIn('referral.east');
});
afterAll(async () => {
  await app?.close();
  await simulator?.stop();
  await sandbox?.stop();
  await mongo?.stop();
});

let patientId: string;
beforeEach(async () => {
  clock.set(NOW);
  // A fresh patient per case (the owner may delete it); the previous one is removed first.
  await app.connection.db!.collection('patients').deleteMany({});
  const created = await app.fetch(
    '/api/v1/patients',
    json('POST', { relationship: 'self', name: NAME, idType: 'resident_id', idNumber: ID_NUMBER }, tokens.owner),
  );
  expect(created.status).toBe(201);
  patientId = (await readJson(created)).id;
  // A consent in force, so a withdrawal by the wrong actor would have something to withdraw.
  await app.connection.db!.collection('consents').deleteMany({});
  const granted = await app.fetch('/api/v1/consents', json('POST', { kind: 'alliance_sharing', version: '2026-01', patientId }, tokens.owner));
  expect(granted.status).toBe(201);
  // A family account acting for the owner (家人代办), through a one-time invitation.
  const invitation = await readJson(await app.fetch(`/api/v1/patients/${patientId}/proxy-invitations`, json('POST', undefined, tokens.owner)));
  expect((await app.fetch('/api/v1/proxy-invitations/accept', json('POST', { code: invitation.code }, tokens.proxy))).status).toBe(200);
  // Booking: a clean inventory and hospital, then one held appointment and one waitlist entry.
  const db = app.connection.db!;
  await Promise.all(['appointments', 'booking_patient_claims', 'waitlist_entries'].map((c) => db.collection(c).deleteMany({})));
  await db.collection('booking_slots').updateMany({}, { $set: { taken: 0 } });
  simulator.reset();
  const held = await app.fetch('/api/v1/appointments', json('POST', { slotId: bookingFixture.heldSlot, patientId }, tokens.owner));
  expect(held.status).toBe(201);
  bookingFixture.appointmentId = (await readJson(held)).id;
  const waiting = await app.fetch(
    '/api/v1/waitlist',
    json('POST', { patientId, date: '2030-03-12', departmentId: 'dept-core-cardiology' }, tokens.owner),
  );
  expect(waiting.status).toBe(201);
  bookingFixture.waitlistEntryId = (await readJson(waiting)).id;
  // A message to the owner about the patient (as booking would send one).
  await db.collection('notifications').deleteMany({});
  await app.notifications.notify({
    accountId: ownerAccountId,
    patientId,
    appointmentId: bookingFixture.appointmentId,
    kind: 'booking_confirmed',
    title: '预约成功',
    body: `${NAME}已预约3月11日 08:00 心血管内科`,
    facts: { patientName: NAME },
  });
  bookingFixture.notificationId = (await db.collection('notifications').findOne({}))!._id.toHexString();
});

function json(method: string, body: unknown, token?: string): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

async function patientSignIn(code: string) {
  const response = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, json('POST', { code }));
  expect(response.status).toBe(200);
  return readJson(response);
}

/** The owner's token with its payload swapped for another account's: the signature no longer matches. */
function tamperedToken(): string {
  const [header, , signature] = tokens.owner.split('.');
  const forged = Buffer.from(JSON.stringify({ typ: 'patient', sub: '0123456789abcdef01234567', iat: 1, exp: 4_102_444_800 })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

function tokenOf(actor: Actor): string {
  switch (actor) {
    case 'another patient account':
      return tokens.other;
    case 'a staff token':
    case 'staff of the patient’s institution, with consent':
      return tokens.staff;
    case 'a staff member of another institution':
      return tokens.otherInstitution;
    case 'a proxy account':
      return tokens.proxy;
    case 'an expired token':
      // Signed with the app's key for the owner, but its 15 minutes ended an hour ago.
      return signPatientAccessToken(ownerAccountId, testJwtSecret, new Date(NOW.getTime() - 2 * 3_600_000), 900);
    case 'a tampered token':
      return tamperedToken();
    case 'the owner':
      return tokens.owner;
  }
}

describe('patient-data routes', () => {
  it.each(TABLE)('$label: $actor → $status', async ({ route, actor, expected }) => {
    if (actor === 'staff of the patient’s institution, with consent') {
      const consent = { kind: 'health_data_processing', version: '2026-01', patientId };
      expect((await app.fetch('/api/v1/consents', json('POST', consent, tokens.owner))).status).toBe(201);
    }
    const response = await app.fetch(route.path(patientId), json(route.method, route.body?.(patientId), tokenOf(actor)));
    const text = await response.text();
    if (!('code' in expected)) {
      expect(response.status).toBe(grantedStatus(route, expected.status));
      // Staff who may see the patient get the data itself.
      if ('audience' in route) expect(text).toContain(NAME);
      return;
    }
    const { status, code } = expected;
    expect(response.status).toBe(status);
    expect(JSON.parse(text).error.code).toBe(code);
    // Never the data: neither the name, the masked number, nor whether the patient exists.
    expect(text).not.toContain(NAME);
    expect(text).not.toContain(ID_NUMBER.slice(-4));
    if (status === 404) {
      const unknown = await app.fetch(
        route.path('0123456789abcdef01234567'),
        json(route.method, route.body?.('0123456789abcdef01234567'), tokenOf(actor)),
      );
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toBe(text);
    }
    // Nothing changed for anyone but the owner.
    const [doc] = await app.connection.db!.collection('patients').find().toArray();
    expect(doc!.deleted).toBe(false);
    expect(doc!.allergies).toEqual([]);
    expect(doc!.proxies.map((p: { accountId: { toHexString(): string } }) => p.accountId.toHexString())).toEqual([proxyAccountId]);
    const consents = await app.connection.db!.collection('consents').find().toArray();
    expect(consents.filter((c) => c.withdrawnAt !== null)).toEqual([]);
  });
});
