import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { signPatientAccessToken } from '../../server/src/http/auth.js';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, testJwtSecret, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// Who may touch a patient's data, route by route. ONE table lists every patient-data route;
// every actor below is tried against every row. A new patient-data route is added to the table.
// The staff token is the seeded demo scheduler's (DEMO-ACCOUNTS.md): valid, but not a patient token.

const NOW = new Date('2026-11-25T09:10:00+08:00');
const ID_NUMBER = '11010519900307123' + residentIdCheckChar('11010519900307123');
const NAME = '张伟';

/** A patient-data route: how to call it for a patient, and what the owner gets. */
interface PatientDataRoute {
  name: string;
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST';
  path: (patientId: string) => string;
  body?: (patientId: string) => unknown;
  ownerStatus: number;
}

const ROUTES: PatientDataRoute[] = [
  { name: 'view a patient', method: 'GET', path: (id) => `/api/v1/patients/${id}`, ownerStatus: 200 },
  { name: 'change a patient', method: 'PATCH', path: (id) => `/api/v1/patients/${id}`, body: () => ({ allergies: ['花粉'] }), ownerStatus: 200 },
  { name: 'delete a patient', method: 'DELETE', path: (id) => `/api/v1/patients/${id}`, ownerStatus: 204 },
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
];

/** Who asks, and what they must get (the owner's status comes from the route). */
type Actor = 'another patient account' | 'a staff token' | 'an expired token' | 'a tampered token' | 'the owner';
const ACTORS: Array<{ actor: Actor; status: number | 'owner'; code?: string }> = [
  { actor: 'another patient account', status: 404, code: 'not_found' },
  { actor: 'a staff token', status: 401, code: 'unauthenticated' },
  { actor: 'an expired token', status: 401, code: 'unauthenticated' },
  { actor: 'a tampered token', status: 401, code: 'unauthenticated' },
  { actor: 'the owner', status: 'owner' },
];

const TABLE = ROUTES.flatMap((route) => ACTORS.map((a) => ({ ...a, route, label: `${route.method} ${route.name}` })));

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let app: TestApp;
const tokens = {} as Record<'owner' | 'other' | 'staff', string>;
let ownerAccountId: string;

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  app = await startTestApp({ mongoUri: mongo.uri, clock, wechat: { baseUrl: sandbox.baseUrl }, staffAuth: true });
  const owner = await patientSignIn('sandbox:owner');
  tokens.owner = owner.accessToken;
  ownerAccountId = owner.account.id;
  tokens.other = (await patientSignIn('sandbox:stranger')).accessToken;
  const staff = await app.fetch('/api/v1/staff/auth/login', json('POST', { username: 'scheduler.core', password: 'CareLoop#Demo2026' }));
  expect(staff.status).toBe(200);
  tokens.staff = (await readJson(staff)).accessToken;
});
afterAll(async () => {
  await app?.close();
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
      return tokens.staff;
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
  it.each(TABLE)('$label: $actor → $status', async ({ route, actor, status, code }) => {
    const response = await app.fetch(route.path(patientId), json(route.method, route.body?.(patientId), tokenOf(actor)));
    const text = await response.text();
    if (status === 'owner') {
      expect(response.status).toBe(route.ownerStatus);
      return;
    }
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
    const consents = await app.connection.db!.collection('consents').find().toArray();
    expect(consents.map((c) => c.withdrawnAt)).toEqual([null]);
  });
});
