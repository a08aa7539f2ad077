import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HospitalSystemError } from '../../server/src/integrations/hospital/errors.js';
import type { HospitalDepartment, HospitalInstitution, HospitalPractitioner, HospitalSystem } from '../../server/src/integrations/hospital/port.js';
import { readJson, startTestApp, testClock, type TestApp } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// Sync rules the simulator cannot easily show (an institution disappearing, concurrent first
// requests): a small in-memory hospital behind the port.

const NOW = new Date('2026-11-25T09:10:00+08:00');

const institution = (id: string, name: string): HospitalInstitution => ({
  id,
  name,
  shortName: name,
  level: 'primary',
  kind: 'community_health_centre',
  address: '滨江市',
  phone: '0571-00000000',
  description: '',
});
const department = (id: string, institutionId: string): HospitalDepartment => ({ id, institutionId, name: `科室 ${id}`, specialty: 'general_practice', description: '' });
const doctor = (id: string, departmentId: string, institutionId: string): HospitalPractitioner => ({
  id,
  name: `医生 ${id}`,
  gender: 'female',
  title: 'attending',
  titleText: '主治医师',
  institutionId,
  departmentId,
  specialties: [],
  bio: '',
  consultationFee: 2000,
});

/** A hospital whose directory the test edits, counting calls. */
function fakeHospital() {
  const data = {
    institutions: [institution('org-a', '甲社区'), institution('org-b', '乙社区')],
    departments: [department('dept-a', 'org-a'), department('dept-b', 'org-b')],
    practitioners: [doctor('dr-1', 'dept-a', 'org-a'), doctor('dr-2', 'dept-b', 'org-b'), doctor('dr-1', 'dept-b', 'org-b')],
  };
  const calls = { listInstitutions: 0 };
  let failWith: HospitalSystemError | undefined;
  const notUsed = () => Promise.reject(new Error('not used by the directory'));
  const hospital: HospitalSystem = {
    health: async () => ({ ok: true, latencyMs: 1 }),
    listInstitutions: async () => {
      calls.listInstitutions += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (failWith) throw failWith;
      return data.institutions;
    },
    listDepartments: async (id) => data.departments.filter((d) => d.institutionId === id),
    listPractitioners: async (id) => data.practitioners.filter((p) => p.departmentId === id),
    getPractitioner: async (id) => data.practitioners.find((p) => p.id === id) ?? null,
    listSlots: async () => [],
    listPriceItems: notUsed,
    lockSlot: notUsed,
    confirmRegistration: notUsed,
    cancelRegistration: notUsed,
    findPatient: notUsed,
    listEncounters: notUsed,
    listCharges: notUsed,
    listDiagnosticReports: notUsed,
    getDiagnosticReport: notUsed,
    listImagingStudies: notUsed,
  };
  return { hospital, data, calls, fail: (error?: HospitalSystemError) => (failWith = error) };
}

let mongo: TestMongo;
let app: TestApp | undefined;

beforeAll(async () => {
  mongo = await useTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('directory sync', () => {
  it('runs one sync for concurrent first requests', async () => {
    const fake = fakeHospital();
    app = await startTestApp({ mongoUri: mongo.uri, hospital: fake.hospital, clock: testClock(NOW) });
    const responses = await Promise.all(Array.from({ length: 5 }, () => app!.fetch('/api/v1/institutions')));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fake.calls.listInstitutions).toBe(1);
  });

  it('removes what disappeared from the hospital and updates what changed', async () => {
    const fake = fakeHospital();
    app = await startTestApp({ mongoUri: mongo.uri, hospital: fake.hospital, clock: testClock(NOW) });
    expect((await readJson(await app.fetch('/api/v1/institutions'))).items.map((i: { id: string }) => i.id)).toEqual(['org-a', 'org-b']);

    fake.data.institutions = [institution('org-a', '甲社区（新址）')];
    fake.data.departments = [department('dept-a', 'org-a')];
    fake.data.practitioners = [doctor('dr-1', 'dept-a', 'org-a')];
    expect(await app.directory.sync()).toEqual({ ok: true, counts: { institutions: 1, departments: 1, doctors: 1 } });

    expect((await readJson(await app.fetch('/api/v1/institutions'))).items.map((i: { name: string }) => i.name)).toEqual(['甲社区（新址）']);
    expect((await app.fetch('/api/v1/institutions/org-b/departments')).status).toBe(404);
    expect((await app.fetch('/api/v1/departments/dept-b/doctors')).status).toBe(404);
    expect((await app.fetch('/api/v1/doctors/dr-2')).status).toBe(404);
  });

  it('lists a doctor under every department they work in', async () => {
    const fake = fakeHospital();
    app = await startTestApp({ mongoUri: mongo.uri, hospital: fake.hospital, clock: testClock(NOW) });
    const a = await readJson(await app.fetch('/api/v1/departments/dept-a/doctors'));
    const b = await readJson(await app.fetch('/api/v1/departments/dept-b/doctors'));
    expect(a.items.map((d: { id: string; departmentId: string }) => `${d.id}@${d.departmentId}`)).toEqual(['dr-1@dept-a']);
    expect(b.items.map((d: { id: string; departmentId: string }) => `${d.id}@${d.departmentId}`)).toEqual(['dr-1@dept-b', 'dr-2@dept-b']);
  });

  it('keeps the cache when a sync fails, and maps a first-sync timeout to 504', async () => {
    const fake = fakeHospital();
    fake.fail(new HospitalSystemError('hospital_timeout'));
    app = await startTestApp({ mongoUri: mongo.uri, hospital: fake.hospital, clock: testClock(NOW) });
    const first = await app.fetch('/api/v1/institutions');
    expect(first.status).toBe(504);
    expect((await readJson(first)).error.code).toBe('hospital_timeout');

    fake.fail(undefined);
    expect((await app.directory.sync()).ok).toBe(true);
    fake.fail(new HospitalSystemError('hospital_unavailable'));
    expect((await app.directory.sync()).ok).toBe(false);
    expect(await app.directory.syncState()).toMatchObject({ lastErrorCode: 'hospital_unavailable', counts: { institutions: 2, departments: 2, doctors: 2 } });
    const cached = await readJson(await app.fetch('/api/v1/institutions'));
    expect([cached.items.length, cached.stale]).toEqual([2, true]);
  });
});
