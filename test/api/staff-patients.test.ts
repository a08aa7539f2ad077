import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { StaffPatientExportSchema } from '@careloop/shared/contracts/staff-patients';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/index.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// Staff access to a patient's data, end to end: the real app, the hospital simulator's master
// patient index and encounters (李秀英 was seen at the county hospital and at the core hospital),
// consents granted by the patient's account, and an audit event for every call.

// In the future: the embedded server's TTL sweep (real clock) would drop staff sessions otherwise.
const NOW = new Date('2030-03-06T09:10:00+08:00');
const NOW_ISO = '2030-03-06T01:10:00.000Z';
/** 李秀英 (pat-li-xiuying in the MPI), seen at org-county and org-core. */
const LI = '11010519850722442' + residentIdCheckChar('11010519850722442');
/** A person no hospital knows. */
const ZHANG = '11010519900307123' + residentIdCheckChar('11010519900307123');
const UNKNOWN_ID = '0123456789abcdef01234567';

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let simulator: RunningSimulator;
let app: TestApp;
let ownerToken: string;
const staffTokens: Record<string, string> = {};

const send = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
const bearer = (token: string, headers: Record<string, string> = {}): RequestInit => ({ headers: { Authorization: `Bearer ${token}`, ...headers } });

/** Logs a demo staff member in (admins with their TOTP code at the test clock). */
async function staffLogin(username: string): Promise<string> {
  const account = demoStaffAccounts.find((a) => a.username === username)!;
  const body = { username, password: demoStaffPassword, ...(account.totpSecret ? { totp: totpCode(account.totpSecret, clock.now()) } : {}) };
  const response = await app.fetch('/api/v1/staff/auth/login', send('POST', body));
  expect(response.status).toBe(200);
  return (await readJson(response)).accessToken;
}

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  simulator = await startHospitalSimulator({ now: () => clock.now() });
  app = await startTestApp({ mongoUri: mongo.uri, clock, hospitalBaseUrl: simulator.baseUrl, wechat: { baseUrl: sandbox.baseUrl }, staffAuth: true });
  const login = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, send('POST', { code: 'sandbox:li-family' }));
  ownerToken = (await readJson(login)).accessToken;
  // One login each (admins' TOTP codes cannot be replayed): doctor and admin of the core
  // hospital, the community centre's referral coordinator, the alliance admin.
  for (const username of ['doctor.core', 'admin.core', 'referral.east', 'admin.alliance', 'scheduler.core']) {
    staffTokens[username] = await staffLogin(username);
  }
});
afterAll(async () => {
  await app?.close();
  await simulator?.stop();
  await sandbox?.stop();
  await mongo?.stop();
});

let patientId: string;
let unlinkedId: string;
beforeEach(async () => {
  clock.set(NOW);
  simulator.faults.clear();
  for (const name of ['patients', 'consents', 'audit_events']) await app.connection.db!.collection(name).deleteMany({});
  const li = await app.fetch(
    '/api/v1/patients',
    send('POST', { relationship: 'self', name: '李秀英', idType: 'resident_id', idNumber: LI, phone: '13912345678', allergies: ['青霉素'], chronicConditions: ['缺铁性贫血'] }, ownerToken),
  );
  expect(li.status).toBe(201);
  patientId = (await readJson(li)).id;
  const zhang = await app.fetch('/api/v1/patients', send('POST', { relationship: 'spouse', name: '张伟', idType: 'resident_id', idNumber: ZHANG }, ownerToken));
  unlinkedId = (await readJson(zhang)).id;
});

const consent = async (kind: 'health_data_processing' | 'alliance_sharing', about = patientId) => {
  const response = await app.fetch('/api/v1/consents', send('POST', { kind, version: '2026-01', patientId: about }, ownerToken));
  expect(response.status).toBe(201);
};
const withdraw = async (kind: 'health_data_processing' | 'alliance_sharing') => {
  expect((await app.fetch('/api/v1/consents/withdraw', send('POST', { kind, patientId }, ownerToken))).status).toBe(200);
};
const read = (who: string, id = patientId, headers: Record<string, string> = {}) => app.fetch(`/api/v1/staff/patients/${id}`, bearer(staffTokens[who]!, headers));
const exportOf = (who: string, id = patientId) => app.fetch(`/api/v1/staff/patients/${id}/export`, bearer(staffTokens[who]!));
const auditEvents = () => app.connection.db!.collection('audit_events').find().sort({ _id: 1 }).toArray();

/** The record as staff of the core hospital see it. */
const LI_AS_STAFF = {
  id: expect.any(String),
  name: '李秀英',
  gender: 'female',
  birthDate: '1985-07-22',
  idType: 'resident_id',
  idNumberMasked: `110***********${LI.slice(-4)}`,
  phoneMasked: '139****5678',
  allergies: ['青霉素'],
  chronicConditions: ['缺铁性贫血'],
};

describe('GET /staff/patients/:id', () => {
  it('without the consent to processing: 403 consent_required, audited as denied', async () => {
    const response = await read('doctor.core', patientId, { 'X-Request-Id': 'req-consent-missing' });
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(JSON.parse(text).error).toEqual({ code: 'consent_required', message: '需要就诊人授权后才能进行此操作' });
    expect(text).not.toContain('李秀英');
    const [event, ...rest] = await auditEvents();
    expect(rest).toEqual([]);
    expect({ ...event, _id: undefined }).toEqual({
      _id: undefined,
      at: NOW,
      requestId: 'req-consent-missing',
      staffId: 'staff-doctor-core',
      role: 'doctor',
      institutionId: 'org-core',
      patientId,
      action: 'read',
      resource: 'patient',
      outcome: 'denied',
      rule: 'institution_staff',
      reason: 'consent_required',
    });
  });

  it('with processing consent: the record masked, only own-institution records; with sharing, all members', async () => {
    await consent('health_data_processing');
    const own = await read('doctor.core');
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('no-store');
    expect(await readJson(own)).toEqual({ ...LI_AS_STAFF, id: patientId, recordsFrom: 'own_institution' });

    await consent('alliance_sharing');
    expect(await readJson(await read('doctor.core'))).toEqual({ ...LI_AS_STAFF, id: patientId, recordsFrom: 'all_members' });

    const events = await auditEvents();
    expect(events.map((e) => [e.staffId, e.action, e.resource, e.outcome, e.rule, e.reason])).toEqual([
      ['staff-doctor-core', 'read', 'patient', 'allowed', 'institution_staff', null],
      ['staff-doctor-core', 'read', 'patient', 'allowed', 'institution_staff', null],
    ]);
    // The request id in the log is the one the response carried.
    expect(events[0]!.requestId).toBe(own.headers.get('x-request-id'));
  });

  it('staff of an institution where the patient was never seen: 404, exactly as for an unknown id, audited', async () => {
    await consent('health_data_processing');
    await consent('alliance_sharing');
    const response = await read('referral.east');
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('not_found');
    const unknown = await read('referral.east', UNKNOWN_ID);
    expect(await unknown.text()).toBe(text);
    const malformed = await read('referral.east', 'not-an-id');
    expect(malformed.status).toBe(404);
    expect(await malformed.text()).toBe(text);
    expect((await auditEvents()).map((e) => [e.patientId, e.institutionId, e.outcome, e.rule, e.reason])).toEqual([
      [patientId, 'org-chc-east', 'denied', 'no_relation', 'not_found'],
      [UNKNOWN_ID, 'org-chc-east', 'denied', 'no_relation', 'not_found'],
      ['not-an-id', 'org-chc-east', 'denied', 'no_relation', 'not_found'],
    ]);
  });

  it('a patient not linked to any hospital record is unknown to institution staff (404)', async () => {
    await consent('health_data_processing', unlinkedId);
    expect((await read('doctor.core', unlinkedId)).status).toBe(404);
  });

  it('a withdrawn consent: 403 consent_withdrawn', async () => {
    await consent('health_data_processing');
    await withdraw('health_data_processing');
    const response = await read('doctor.core');
    expect(response.status).toBe(403);
    expect((await readJson(response)).error.code).toBe('consent_withdrawn');
    expect((await auditEvents()).map((e) => e.reason)).toEqual(['consent_withdrawn']);
  });

  it('the alliance admin reads only a patient who shared across the alliance', async () => {
    await consent('health_data_processing');
    expect((await read('admin.alliance')).status).toBe(404);
    await consent('alliance_sharing');
    const response = await read('admin.alliance');
    expect(response.status).toBe(200);
    expect((await readJson(response)).recordsFrom).toBe('all_members');
    expect((await auditEvents()).map((e) => [e.role, e.institutionId, e.outcome, e.rule])).toEqual([
      ['alliance_admin', 'alliance', 'denied', 'no_relation'],
      ['alliance_admin', 'alliance', 'allowed', 'alliance_admin'],
    ]);
  });

  it('patient tokens and no token: 401, nothing audited', async () => {
    expect((await app.fetch(`/api/v1/staff/patients/${patientId}`, bearer(ownerToken))).status).toBe(401);
    expect((await app.fetch(`/api/v1/staff/patients/${patientId}`)).status).toBe(401);
    expect(await auditEvents()).toEqual([]);
  });

  it('the hospital unreachable: 503, and the attempt is audited as failed', async () => {
    await consent('health_data_processing');
    simulator.faults.set({ errorRate: 1 });
    const response = await read('doctor.core');
    expect(response.status).toBe(503);
    expect((await readJson(response)).error.code).toBe('hospital_unavailable');
    expect((await auditEvents()).map((e) => [e.outcome, e.rule, e.reason])).toEqual([['failed', null, 'facts_unavailable']]);
  });

  it('an audit event that cannot be written fails the read: 503 audit_unavailable, no data', async () => {
    await consent('health_data_processing');
    // A unique index on the request id: the second read with the same id cannot be recorded.
    await app.connection.db!.collection('audit_events').createIndex({ requestId: 1 }, { unique: true, name: 'test_one_per_request' });
    try {
      expect((await read('doctor.core', patientId, { 'X-Request-Id': 'req-duplicate-1' })).status).toBe(200);
      const response = await read('doctor.core', patientId, { 'X-Request-Id': 'req-duplicate-1' });
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text).error).toEqual({
        code: 'audit_unavailable',
        message: '访问记录暂时无法保存，为保护患者隐私本次访问已取消，请稍后重试',
      });
      expect(text).not.toContain('李秀英');
      expect(text).not.toContain(LI.slice(-4));
      expect(app.logs.some((line) => line.msg === 'audit event could not be written; access refused' && line.patientId === patientId)).toBe(true);
      expect(await auditEvents()).toHaveLength(1);
    } finally {
      await app.connection.db!.collection('audit_events').dropIndex('test_one_per_request');
    }
  });
});

describe('GET /staff/patients/:id/export', () => {
  it('institution admin: a JSON download of own-institution records without sharing consent, audited as export', async () => {
    await consent('health_data_processing');
    const response = await app.fetch(`/api/v1/staff/patients/${patientId}/export`, bearer(staffTokens['admin.core']!, { 'X-Request-Id': 'req-export-0001' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="patient-${patientId}-20300306.json"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await readJson(response);
    expect(StaffPatientExportSchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      format: 'careloop.patient-export.v1',
      exportedAt: NOW_ISO,
      exportedBy: { staffId: 'staff-admin-core', role: 'institution_admin', institutionId: 'org-core' },
      requestId: 'req-export-0001',
      patient: { ...LI_AS_STAFF, id: patientId, recordsFrom: 'own_institution' },
      consents: [{ kind: 'health_data_processing', version: '2026-01', grantedAt: NOW_ISO, withdrawnAt: null }],
      encounters: [
        { id: 'enc-li-core-1', institutionId: 'org-core', kind: 'outpatient', status: 'finished', start: expect.any(String), end: expect.any(String) },
      ],
    });
    const [event] = await auditEvents();
    expect([event!.requestId, event!.action, event!.resource, event!.outcome, event!.rule]).toEqual([
      'req-export-0001',
      'export',
      'patient.export',
      'allowed',
      'institution_staff',
    ]);
  });

  it('with sharing consent the export holds every member’s visits', async () => {
    await consent('health_data_processing');
    await consent('alliance_sharing');
    const body = await readJson(await exportOf('admin.core'));
    expect(body.patient.recordsFrom).toBe('all_members');
    expect(body.encounters.map((e: { id: string; institutionId: string }) => [e.id, e.institutionId]).sort()).toEqual([
      ['enc-li-core-1', 'org-core'],
      ['enc-li-county-1', 'org-county'],
    ]);
  });

  it('other roles: 403 action_not_permitted (a doctor, the alliance admin); another institution: 404; all audited', async () => {
    await consent('health_data_processing');
    await consent('alliance_sharing');
    const doctor = await exportOf('doctor.core');
    expect(doctor.status).toBe(403);
    expect((await readJson(doctor)).error.code).toBe('action_not_permitted');
    expect(doctor.headers.get('content-disposition')).toBeNull();
    expect((await exportOf('admin.alliance')).status).toBe(403);
    expect((await exportOf('referral.east')).status).toBe(404);
    expect((await auditEvents()).map((e) => [e.staffId, e.action, e.resource, e.outcome, e.reason])).toEqual([
      ['staff-doctor-core', 'export', 'patient.export', 'denied', 'action_not_permitted'],
      ['staff-admin-alliance', 'export', 'patient.export', 'denied', 'action_not_permitted'],
      ['staff-referral-east', 'export', 'patient.export', 'denied', 'not_found'],
    ]);
  });
});
