import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/index.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { sandboxOpenid, startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// PIPL: no response, log line or stored document holds a plaintext identity number, phone or
// WeChat session_key. The whole identity surface runs once — sign-in, phone binding, refresh,
// patients created, changed, refused and duplicated, consents, a proxy, staff reads, an export,
// the audit log, logout — capturing every response (headers and body) and every log line, then
// every document of every collection; the secrets must appear in none of them.

// In the future: the embedded server's TTL sweep (real clock) would drop staff sessions otherwise.
const NOW = new Date('2030-03-06T09:10:00+08:00');
/** 李秀英, known to the simulator's MPI (seen at the core hospital). */
const LI = '11010519850722442' + residentIdCheckChar('11010519850722442');
/** Her husband, unknown to any hospital. */
const ZHANG = '11010519830214003' + residentIdCheckChar('11010519830214003');
const ACCOUNT_PHONE = '13812345678';
const PATIENT_PHONE = '13912345678';
const NEW_PATIENT_PHONE = '13698765432';
const SPOUSE_PHONE = '15011112222';

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let simulator: RunningSimulator;
let app: TestApp;

/** Every response the scenario received: status, headers and body text. */
const responses: Array<{ request: string; status: number; headers: string; body: string }> = [];

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  simulator = await startHospitalSimulator({ now: () => clock.now() });
  app = await startTestApp({ mongoUri: mongo.uri, clock, hospitalBaseUrl: simulator.baseUrl, wechat: { baseUrl: sandbox.baseUrl }, staffAuth: true });
});
afterAll(async () => {
  await app?.close();
  await simulator?.stop();
  await sandbox?.stop();
  await mongo?.stop();
});

/** Calls the app and keeps the whole response; returns the parsed body (or null). */
// The body is `any`: the scenario only reads a few fields it then asserts on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await app.fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  responses.push({ request: `${method} ${path}`, status: response.status, headers: JSON.stringify([...response.headers]), body: text });
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json };
}

async function staffToken(username: string): Promise<string> {
  const account = demoStaffAccounts.find((a) => a.username === username)!;
  const totp = account.totpSecret ? { totp: totpCode(account.totpSecret, clock.now()) } : {};
  const { status, json } = await call('POST', '/api/v1/staff/auth/login', undefined, { username, password: demoStaffPassword, ...totp });
  expect(status).toBe(200);
  return json.accessToken;
}

/** Every document of every collection of the app's database, as one JSON text per collection. */
async function everyStoredDocument(): Promise<Map<string, string>> {
  const db = app.connection.db!;
  const dump = new Map<string, string>();
  for (const { name } of await db.listCollections().toArray()) {
    dump.set(name, JSON.stringify(await db.collection(name).find().toArray()));
  }
  return dump;
}

describe('plaintext identity numbers, phones and session keys', () => {
  it('appear in no response, no log line and no stored document', async () => {
    // Patient sign-in, phone binding, a refresh.
    const login = await call('POST', `/api/v1${AuthPaths.wechatLogin}`, undefined, { code: 'sandbox:pii-scan' });
    expect(login.status).toBe(200);
    let token: string = login.json.accessToken;
    expect((await call('POST', `/api/v1${AuthPaths.wechatPhone}`, token, { code: `sandbox-phone:${ACCOUNT_PHONE}` })).status).toBe(200);
    const refreshed = await call('POST', `/api/v1${AuthPaths.refresh}`, undefined, { refreshToken: login.json.refreshToken });
    expect(refreshed.status).toBe(200);
    token = refreshed.json.accessToken;
    expect((await call('GET', `/api/v1${AuthPaths.me}`, token)).status).toBe(200);

    // Patients: created, refused (bad input carrying a valid id number), duplicated, changed, read.
    const li = await call('POST', '/api/v1/patients', token, {
      relationship: 'self', name: '李秀英', idType: 'resident_id', idNumber: LI, phone: PATIENT_PHONE, allergies: ['青霉素'],
    });
    expect(li.status).toBe(201);
    const patientId: string = li.json.id;
    const spouse = await call('POST', '/api/v1/patients', token, { relationship: 'spouse', name: '张国强', idType: 'resident_id', idNumber: ZHANG, phone: SPOUSE_PHONE });
    expect(spouse.status).toBe(201);
    expect((await call('POST', '/api/v1/patients', token, { relationship: 'parent', name: '张'.repeat(10_000), idType: 'resident_id', idNumber: ZHANG, phone: SPOUSE_PHONE })).status).toBe(400);
    expect((await call('POST', '/api/v1/patients', token, { relationship: 'parent', name: '张国强', idType: 'resident_id', idNumber: ZHANG.toLowerCase(), phone: 'x'.repeat(11) })).status).toBe(400);
    expect((await call('POST', '/api/v1/patients', token, { relationship: 'other', name: '张国强', idType: 'resident_id', idNumber: ZHANG })).status).toBe(409);
    expect((await call('PATCH', `/api/v1/patients/${patientId}`, token, { phone: NEW_PATIENT_PHONE, chronicConditions: ['缺铁性贫血'] })).status).toBe(200);
    expect((await call('PATCH', `/api/v1/patients/${patientId}`, token, { idNumber: LI })).status).toBe(400);
    expect((await call('GET', '/api/v1/patients', token)).status).toBe(200);
    expect((await call('GET', `/api/v1/patients/${patientId}`, token)).status).toBe(200);

    // Consents, and a family member acting as proxy.
    for (const kind of ['health_data_processing', 'alliance_sharing']) {
      expect((await call('POST', '/api/v1/consents', token, { kind, version: '2026-01', patientId })).status).toBe(201);
    }
    const invitation = await call('POST', `/api/v1/patients/${patientId}/proxy-invitations`, token);
    const proxy = await call('POST', `/api/v1${AuthPaths.wechatLogin}`, undefined, { code: 'sandbox:pii-scan-daughter' });
    expect((await call('POST', '/api/v1/proxy-invitations/accept', proxy.json.accessToken, { code: invitation.json.code })).status).toBe(200);
    expect((await call('PATCH', `/api/v1/patients/${patientId}`, proxy.json.accessToken, { phone: NEW_PATIENT_PHONE })).status).toBe(200);
    expect((await call('GET', '/api/v1/patients', proxy.json.accessToken)).status).toBe(200);

    // Staff: a read, an export, a refused read, the audit log.
    const admin = await staffToken('admin.core');
    expect((await call('GET', `/api/v1/staff/patients/${patientId}`, admin)).status).toBe(200);
    expect((await call('GET', `/api/v1/staff/patients/${patientId}/export`, admin)).status).toBe(200);
    expect((await call('GET', `/api/v1/staff/patients/${patientId}`, await staffToken('referral.east'))).status).toBe(404);
    expect((await call('GET', '/api/v1/staff/audit', await staffToken('admin.alliance'))).status).toBe(200);

    // Sign out.
    expect((await call('POST', `/api/v1${AuthPaths.logout}`, undefined, { refreshToken: refreshed.json.refreshToken })).status).toBe(204);

    const sessionKey = sandbox.sessionKeyOf(sandboxOpenid('pii-scan'));
    expect(sessionKey).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const secrets: Record<string, string> = {
      'identity number (李秀英)': LI,
      'identity number without its check character': LI.slice(0, 17),
      'identity number (张国强)': ZHANG,
      'identity number (张国强), lower case': ZHANG.toLowerCase(),
      'account phone': ACCOUNT_PHONE,
      'patient phone': PATIENT_PHONE,
      'changed patient phone': NEW_PATIENT_PHONE,
      'spouse phone': SPOUSE_PHONE,
      session_key: sessionKey!,
    };

    // The scan is not vacuous: the data went through, masked.
    const allResponses = responses.map((r) => `${r.request} ${r.status} ${r.headers} ${r.body}`).join('\n');
    expect(allResponses).toContain(`110***********${LI.slice(-4)}`);
    expect(allResponses).toContain('136****5432');
    expect(app.logs.length).toBeGreaterThan(40);
    const stored = await everyStoredDocument();
    for (const collection of ['accounts', 'patients', 'consents', 'audit_events', 'proxy_invitations', 'patient_changes']) {
      expect(stored.has(collection), collection).toBe(true);
    }
    expect(stored.get('patients')).toContain('phoneEnc');

    for (const [what, secret] of Object.entries(secrets)) {
      for (const response of responses) {
        expect(`${response.headers} ${response.body}`, `${what} in the response to ${response.request}`).not.toContain(secret);
      }
      for (const line of app.logs) expect(JSON.stringify(line), `${what} in a log line`).not.toContain(secret);
      for (const [collection, documents] of stored) expect(documents, `${what} in ${collection}`).not.toContain(secret);
    }
  });
});
