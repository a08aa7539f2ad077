import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// Consents end to end: append-only records of who agreed to what and when, and withdrawals.

const NOW = new Date('2026-11-25T09:10:00+08:00');
const T0 = '2026-11-25T01:10:00.000Z';
const T1 = '2026-11-25T01:11:00.000Z';
const T2 = '2026-11-25T01:12:00.000Z';
const ZHANG = '11010519900307123' + residentIdCheckChar('11010519900307123');

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let app: TestApp;
let token: string;
let accountId: string;

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
});
afterAll(async () => {
  await sandbox?.stop();
  await mongo?.stop();
});
beforeEach(async () => {
  clock.set(NOW);
  app = await startTestApp({ mongoUri: mongo.uri, clock, wechat: { baseUrl: sandbox.baseUrl } });
  ({ token, accountId } = await signIn('sandbox:alice'));
});
afterEach(async () => {
  await app?.close();
});

const post = (path: string, body: unknown, as = token) =>
  app.fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${as}` },
    body: JSON.stringify(body),
  });
const list = async (as = token) => readJson(await app.fetch('/api/v1/consents', { headers: { Authorization: `Bearer ${as}` } }));

async function signIn(code: string): Promise<{ token: string; accountId: string }> {
  const response = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = await readJson(response);
  return { token: body.accessToken, accountId: body.account.id };
}

it('records a grant (who, what, when) and its withdrawal; a new grant is a new record', async () => {
  const granted = await post('/consents', { kind: 'health_data_processing', version: '2026-01' });
  expect(granted.status).toBe(201);
  const first = await readJson(granted);
  expect(first).toEqual({
    id: expect.stringMatching(/^[0-9a-f]{24}$/),
    kind: 'health_data_processing',
    version: '2026-01',
    patientId: null,
    grantedAt: T0,
    withdrawnAt: null,
    withdrawnHow: null,
    actingAccountId: accountId,
    templateIds: [],
  });

  clock.advance(60_000);
  const withdrawn = await post('/consents/withdraw', { kind: 'health_data_processing' });
  expect(withdrawn.status).toBe(200);
  expect(await readJson(withdrawn)).toEqual({ items: [{ ...first, withdrawnAt: T1, withdrawnHow: 'user_request' }] });

  clock.advance(60_000);
  const again = await readJson(await post('/consents', { kind: 'health_data_processing', version: '2026-02' }));
  expect(again.id).not.toBe(first.id);

  expect(await list()).toEqual({
    items: [
      { ...again, grantedAt: T2 },
      { ...first, withdrawnAt: T1, withdrawnHow: 'user_request' },
    ],
  });
  // Withdrawing when nothing is in force changes nothing.
  expect(await readJson(await post('/consents/withdraw', { kind: 'alliance_sharing' }))).toEqual({ items: [] });
});

it('records subscribe-message templates; withdrawing one keeps the others allowed', async () => {
  const granted = await readJson(
    await post('/consents', {
      kind: 'subscribe_message',
      version: '2026-01',
      templateIds: [
        { id: 'tmpl_visit_reminder', kind: 'one_time' },
        { id: 'tmpl_report_ready', kind: 'long_term' },
      ],
    }),
  );
  expect(granted.templateIds).toEqual([
    { id: 'tmpl_visit_reminder', kind: 'one_time' },
    { id: 'tmpl_report_ready', kind: 'long_term' },
  ]);
  clock.advance(60_000);
  const withdrawn = await readJson(await post('/consents/withdraw', { kind: 'subscribe_message', templateIds: ['tmpl_visit_reminder'] }));
  expect(withdrawn.items).toEqual([{ ...granted, withdrawnAt: T1, withdrawnHow: 'user_request' }]);

  const { items } = await list();
  expect(items).toHaveLength(2);
  expect(items[0]).toMatchObject({
    kind: 'subscribe_message',
    grantedAt: T1,
    withdrawnAt: null,
    templateIds: [{ id: 'tmpl_report_ready', kind: 'long_term' }],
  });
});

it('refuses templates for other kinds and a subscribe consent without them (400)', async () => {
  const extra = await post('/consents', { kind: 'alliance_sharing', version: '1', templateIds: [{ id: 'a', kind: 'one_time' }] });
  expect(extra.status).toBe(400);
  expect((await readJson(extra)).error.details[0].path).toBe('body.templateIds');
  const missing = await post('/consents', { kind: 'subscribe_message', version: '1' });
  expect(missing.status).toBe(400);
  expect(await app.connection.db!.collection('consents').countDocuments()).toBe(0);
});

it('records a consent about a family member the account manages, and nobody else may', async () => {
  const patient = await readJson(
    await post('/patients', { relationship: 'parent', name: '张伟', idType: 'resident_id', idNumber: ZHANG }),
  );
  const granted = await post('/consents', { kind: 'alliance_sharing', version: '2026-01', patientId: patient.id });
  expect(granted.status).toBe(201);
  expect((await readJson(granted)).patientId).toBe(patient.id);

  const bob = await signIn('sandbox:bob');
  const foreign = await post('/consents', { kind: 'alliance_sharing', version: '2026-01', patientId: patient.id }, bob.token);
  expect(foreign.status).toBe(404);
  const foreignWithdraw = await post('/consents/withdraw', { kind: 'alliance_sharing', patientId: patient.id }, bob.token);
  expect(foreignWithdraw.status).toBe(404);
  expect(await list(bob.token)).toEqual({ items: [] });

  const withdrawn = await readJson(await post('/consents/withdraw', { kind: 'alliance_sharing', patientId: patient.id }));
  expect(withdrawn.items).toHaveLength(1);
  expect(withdrawn.items[0]).toMatchObject({ patientId: patient.id, withdrawnHow: 'user_request', withdrawnAt: T0 });
});
