import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { AuditEventPageSchema } from '@careloop/shared/contracts/audit';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { AppendOnlyViolation } from '../../server/src/features/audit/append-only.js';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/index.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// The audit log: staff reads of 李秀英 (seen at the county and the core hospital) write events;
// `GET /staff/audit` shows an institution admin their institution's, the alliance admin all of
// them, filtered and paged newest first. The collection refuses updates and deletes.

// In the future: the embedded server's TTL sweep (real clock) would drop staff sessions otherwise.
const T0 = new Date('2030-03-06T09:00:00+08:00');
const MINUTE = 60_000;
const LI = '11010519850722442' + residentIdCheckChar('11010519850722442');
const UNKNOWN_ID = '0123456789abcdef01234567';

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let simulator: RunningSimulator;
let app: TestApp;
let patientId: string;
let ownerToken: string;
const tokens: Record<string, string> = {};

const send = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
const bearer = (token: string, requestId?: string): RequestInit => ({
  headers: { Authorization: `Bearer ${token}`, ...(requestId ? { 'X-Request-Id': requestId } : {}) },
});

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(T0);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  simulator = await startHospitalSimulator({ now: () => clock.now() });
  app = await startTestApp({ mongoUri: mongo.uri, clock, hospitalBaseUrl: simulator.baseUrl, wechat: { baseUrl: sandbox.baseUrl }, staffAuth: true });
  for (const username of ['doctor.core', 'scheduler.core', 'nurse.core', 'referral.east', 'admin.core', 'admin.alliance']) {
    const account = demoStaffAccounts.find((a) => a.username === username)!;
    const body = { username, password: demoStaffPassword, ...(account.totpSecret ? { totp: totpCode(account.totpSecret, clock.now()) } : {}) };
    const response = await app.fetch('/api/v1/staff/auth/login', send('POST', body));
    expect(response.status).toBe(200);
    tokens[username] = (await readJson(response)).accessToken;
  }
  ownerToken = (await readJson(await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, send('POST', { code: 'sandbox:li' })))).accessToken;
  const created = await app.fetch('/api/v1/patients', send('POST', { relationship: 'self', name: '李秀英', idType: 'resident_id', idNumber: LI }, ownerToken));
  patientId = (await readJson(created)).id;
  for (const kind of ['health_data_processing', 'alliance_sharing']) {
    expect((await app.fetch('/api/v1/consents', send('POST', { kind, version: '2026-01', patientId }, ownerToken))).status).toBe(201);
  }
});
afterAll(async () => {
  await app?.close();
  await simulator?.stop();
  await sandbox?.stop();
  await mongo?.stop();
});

/** Six staff accesses, one a minute from T0, each with its own request id. */
const ACCESSES: Array<{ who: string; path: () => string; requestId: string }> = [
  { who: 'doctor.core', path: () => `/api/v1/staff/patients/${patientId}`, requestId: 'req-audit-01' },
  { who: 'referral.east', path: () => `/api/v1/staff/patients/${patientId}`, requestId: 'req-audit-02' },
  { who: 'scheduler.core', path: () => `/api/v1/staff/patients/${patientId}`, requestId: 'req-audit-03' },
  { who: 'admin.core', path: () => `/api/v1/staff/patients/${patientId}/export`, requestId: 'req-audit-04' },
  { who: 'admin.alliance', path: () => `/api/v1/staff/patients/${patientId}`, requestId: 'req-audit-05' },
  { who: 'nurse.core', path: () => `/api/v1/staff/patients/${UNKNOWN_ID}`, requestId: 'req-audit-06' },
];

beforeEach(async () => {
  await app.connection.db!.collection('audit_events').deleteMany({});
  clock.set(T0);
  for (const access of ACCESSES) {
    await app.fetch(access.path(), bearer(tokens[access.who]!, access.requestId));
    clock.advance(MINUTE);
  }
});

const audit = (who: string, query = '') => app.fetch(`/api/v1/staff/audit${query}`, bearer(tokens[who]!));
const at = (minute: number) => new Date(T0.getTime() + minute * MINUTE).toISOString();

describe('GET /staff/audit', () => {
  it('the institution admin sees their institution’s events only, newest first, in the contract shape', async () => {
    const response = await audit('admin.core');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await readJson(response);
    expect(AuditEventPageSchema.parse(page)).toEqual(page);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((e: { requestId: string }) => e.requestId)).toEqual(['req-audit-06', 'req-audit-04', 'req-audit-03', 'req-audit-01']);
    expect(page.items[1]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      at: at(3),
      requestId: 'req-audit-04',
      staffId: 'staff-admin-core',
      role: 'institution_admin',
      institutionId: 'org-core',
      patientId,
      action: 'export',
      resource: 'patient.export',
      outcome: 'allowed',
      rule: 'institution_staff',
      reason: null,
    });
    expect(page.items[0]).toMatchObject({ staffId: 'staff-nurse-core', patientId: UNKNOWN_ID, outcome: 'denied', rule: 'no_relation', reason: 'not_found' });
  });

  it('the alliance admin sees every institution’s events', async () => {
    const page = await readJson(await audit('admin.alliance'));
    expect(page.items.map((e: { requestId: string; institutionId: string }) => [e.requestId, e.institutionId])).toEqual([
      ['req-audit-06', 'org-core'],
      ['req-audit-05', 'alliance'],
      ['req-audit-04', 'org-core'],
      ['req-audit-03', 'org-core'],
      ['req-audit-02', 'org-chc-east'],
      ['req-audit-01', 'org-core'],
    ]);
  });

  it('filters by patient, staff member, action and time (from inclusive, to exclusive)', async () => {
    const ids = async (query: string, who = 'admin.alliance') =>
      (await readJson(await audit(who, query))).items.map((e: { requestId: string }) => e.requestId);
    expect(await ids(`?patientId=${UNKNOWN_ID}`)).toEqual(['req-audit-06']);
    expect(await ids('?staffId=staff-referral-east')).toEqual(['req-audit-02']);
    expect(await ids('?staffId=staff-referral-east', 'admin.core')).toEqual([]);
    expect(await ids('?action=export')).toEqual(['req-audit-04']);
    expect(await ids(`?from=${encodeURIComponent(at(1))}&to=${encodeURIComponent(at(3))}`)).toEqual(['req-audit-03', 'req-audit-02']);
    expect(await ids(`?patientId=${patientId}&action=read&from=2030-03-06T09:02:00%2B08:00`)).toEqual(['req-audit-05', 'req-audit-03']);
  });

  it('pages with a cursor, newest first, also through events at the same instant', async () => {
    // Two more events in the last minute's instant: ties are ordered by id.
    clock.set(at(5));
    await app.fetch(`/api/v1/staff/patients/${patientId}`, bearer(tokens['doctor.core']!, 'req-audit-07'));
    await app.fetch(`/api/v1/staff/patients/${patientId}`, bearer(tokens['doctor.core']!, 'req-audit-08'));
    const seen: string[] = [];
    let query = '?limit=3';
    const pages: number[] = [];
    for (;;) {
      const page = await readJson(await audit('admin.alliance', query));
      pages.push(page.items.length);
      seen.push(...page.items.map((e: { requestId: string }) => e.requestId));
      if (page.nextCursor === null) break;
      query = `?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(pages).toEqual([3, 3, 2]);
    expect(seen).toEqual(['req-audit-08', 'req-audit-07', 'req-audit-06', 'req-audit-05', 'req-audit-04', 'req-audit-03', 'req-audit-02', 'req-audit-01']);
  });

  it('bad queries are 400 naming the field', async () => {
    const issue = async (query: string) => {
      const response = await audit('admin.alliance', query);
      expect(response.status).toBe(400);
      const body = await readJson(response);
      expect(body.error.code).toBe('invalid_request');
      return body.error.details.map((d: { path: string }) => d.path);
    };
    expect(await issue('?limit=101')).toEqual(['query.limit']);
    expect(await issue('?limit=0')).toEqual(['query.limit']);
    expect(await issue('?action=delete')).toEqual(['query.action']);
    expect(await issue('?from=yesterday')).toEqual(['query.from']);
    expect(await issue(`?from=${encodeURIComponent(at(3))}&to=${encodeURIComponent(at(1))}`)).toEqual(['query.to']);
    expect(await issue('?cursor=not-a-cursor')).toEqual(['query.cursor']);
    expect(await issue('?pageSize=10')).toEqual(['query.pageSize']);
  });

  it('other staff roles get 403, patient tokens and no token 401', async () => {
    for (const who of ['doctor.core', 'scheduler.core', 'referral.east']) {
      const response = await audit(who);
      expect(response.status).toBe(403);
      expect((await readJson(response)).error.code).toBe('forbidden');
    }
    expect((await app.fetch('/api/v1/staff/audit', bearer(ownerToken))).status).toBe(401);
    expect((await app.fetch('/api/v1/staff/audit')).status).toBe(401);
  });
});

describe('audit_events is append-only', () => {
  it('the model refuses every update and delete path; inserts still work', async () => {
    const AuditEvent = app.connection.models.AuditEvent!;
    const before = await app.connection.db!.collection('audit_events').find().sort({ _id: 1 }).toArray();
    const attempts: Array<() => Promise<unknown>> = [
      () => AuditEvent.updateOne({}, { $set: { outcome: 'allowed' } }).exec(),
      () => AuditEvent.updateMany({}, { $set: { outcome: 'allowed' } }).exec(),
      () => AuditEvent.findOneAndUpdate({}, { $set: { outcome: 'allowed' } }).exec(),
      () => AuditEvent.replaceOne({}, { outcome: 'allowed' }).exec(),
      () => AuditEvent.findOneAndReplace({}, { outcome: 'allowed' }).exec(),
      () => AuditEvent.deleteOne({}).exec(),
      () => AuditEvent.deleteMany({}).exec(),
      () => AuditEvent.findOneAndDelete({}).exec(),
      () => AuditEvent.bulkWrite([{ deleteMany: { filter: {} } }]),
      async () => {
        const doc = await AuditEvent.findOne();
        doc!.set('outcome', 'allowed');
        return doc!.save();
      },
      async () => (await AuditEvent.findOne())!.deleteOne(),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(AppendOnlyViolation);
    expect(await app.connection.db!.collection('audit_events').find().sort({ _id: 1 }).toArray()).toEqual(before);
  });
});
