import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryPaths, DoctorListResponseSchema, DoctorProfileResponseSchema, ErrorResponseSchema, InstitutionListResponseSchema } from '@careloop/shared';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { readJson, startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// The directory end to end through the real app: MongoDB cache ← real FHIR adapter ← the
// hospital simulator with its seeded alliance, at a fixed instant.

/** Wednesday 25 Nov 2026, 09:10 in Shanghai (the simulator's seeded schedules depend on it). */
const NOW = new Date('2026-11-25T09:10:00+08:00');
const HOUR = 3_600_000;

let mongo: TestMongo;
let simulator: RunningSimulator;
let clock: TestClock;
let app: TestApp;

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  simulator = await startHospitalSimulator({ now: () => clock.now() });
});

afterAll(async () => {
  await simulator?.stop();
  await mongo?.stop();
});

beforeEach(async () => {
  clock.set(NOW);
  simulator.reset();
  app = await startTestApp({ mongoUri: mongo.uri, hospitalBaseUrl: simulator.baseUrl, clock, env: { HOSPITAL_TIMEOUT_MS: '300', HOSPITAL_RETRIES: '1' } });
});

afterEach(async () => {
  simulator.faults.clear();
  await app?.close();
});

const get = (path: string) => app.fetch(path);

const chenGuohua = {
  id: 'pract-core-cardio-1',
  name: '陈国华',
  title: 'chief',
  titleText: '主任医师',
  departmentId: 'dept-core-cardiology',
  institutionId: 'org-core',
  specialties: ['冠心病介入治疗', '难治性高血压'],
  consultationFee: 10000,
};

describe('GET /api/v1/institutions', () => {
  it('lists the four alliance members, core hospital first, fresh from the first sync', async () => {
    const response = await get(DirectoryPaths.institutions);
    expect(response.status).toBe(200);
    const body = InstitutionListResponseSchema.parse(await readJson(response));
    expect(body.stale).toBe(false);
    expect(body.syncedAt).toBe('2026-11-25T01:10:00.000Z');
    expect(body.items.map((item) => [item.id, item.name, item.shortName, item.level, item.kind])).toEqual([
      ['org-core', '滨江市第一人民医院', '市一院', 'tertiary', 'hospital'],
      ['org-county', '清溪县人民医院', '县医院', 'secondary', 'hospital'],
      ['org-chc-east', '滨江市江东街道社区卫生服务中心', '江东社区', 'primary', 'community_health_centre'],
      ['org-chc-west', '滨江市城西街道社区卫生服务中心', '城西社区', 'primary', 'community_health_centre'],
    ]);
    expect(body.items[2]).toEqual({
      id: 'org-chc-east',
      name: '滨江市江东街道社区卫生服务中心',
      shortName: '江东社区',
      level: 'primary',
      kind: 'community_health_centre',
      address: '滨江市江东区东湖路203号',
      phone: '0571-86552010',
      description: '提供全科门诊、家庭医生签约、高血压和糖尿病慢病管理；市一院专家每周下沉坐诊，可预约转诊上级医院。',
    });
  });
});

describe('GET /api/v1/institutions/:id/departments', () => {
  it('lists a community centre’s departments exactly', async () => {
    const response = await get(DirectoryPaths.departments('org-chc-east'));
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({
      items: [
        {
          id: 'dept-chc-east-general-practice',
          institutionId: 'org-chc-east',
          name: '全科门诊',
          specialty: 'general_practice',
          description: '家庭医生首诊，常见病诊疗、开具长期处方，需要时预约转诊。',
        },
        {
          id: 'dept-chc-east-chronic-disease',
          institutionId: 'org-chc-east',
          name: '慢病管理门诊',
          specialty: 'chronic_disease',
          description: '高血压、2型糖尿病患者的定期随访、血压血糖监测和用药调整。',
        },
      ],
      stale: false,
      syncedAt: '2026-11-25T01:10:00.000Z',
    });
  });

  it('lists the core hospital’s seven departments in the hospital’s order', async () => {
    const body = await readJson(await get(DirectoryPaths.departments('org-core')));
    expect(body.items.map((d: { id: string; name: string }) => `${d.id} ${d.name}`)).toEqual([
      'dept-core-internal 普通内科',
      'dept-core-cardiology 心血管内科',
      'dept-core-endocrinology 内分泌科',
      'dept-core-orthopaedics 骨科',
      'dept-core-paediatrics 儿科',
      'dept-core-general-surgery 普通外科',
      'dept-core-imaging 医学影像科',
    ]);
  });

  it('answers 404 not_found in Chinese for an unknown institution', async () => {
    const response = await get(DirectoryPaths.departments('org-nowhere'));
    expect(response.status).toBe(404);
    expect(await readJson(response)).toEqual({ error: { code: 'not_found', message: '未找到该医疗机构，请返回机构列表重新选择' } });
  });
});

describe('GET /api/v1/departments/:id/doctors', () => {
  it('lists the cardiology doctors with titles and fees in fen', async () => {
    const response = await get(DirectoryPaths.doctors('dept-core-cardiology'));
    expect(response.status).toBe(200);
    const body = DoctorListResponseSchema.parse(await readJson(response));
    expect(body.items[0]).toEqual(chenGuohua);
    expect(body.items.map((d) => [d.id, d.name, d.titleText, d.consultationFee])).toEqual([
      ['pract-core-cardio-1', '陈国华', '主任医师', 10000],
      ['pract-core-cardio-2', '刘慧敏', '副主任医师', 6000],
      ['pract-core-cardio-3', '赵鹏', '主治医师', 5000],
      ['pract-core-cardio-4', '孙悦', '主治医师', 5000],
    ]);
  });

  it('answers 404 with the error shape for an unknown department', async () => {
    const response = await get(DirectoryPaths.doctors('dept-nowhere'));
    expect(response.status).toBe(404);
    const body = await readJson(response);
    expect(ErrorResponseSchema.parse(body)).toEqual({ error: { code: 'not_found', message: '未找到该科室，请返回科室列表重新选择' } });
  });
});

describe('GET /api/v1/doctors/:id', () => {
  it('shows the profile with the next 14 local days of half-day sessions, live from the hospital', async () => {
    const response = await get(DirectoryPaths.doctor('pract-core-cardio-1'));
    expect(response.status).toBe(200);
    const body = DoctorProfileResponseSchema.parse(await readJson(response));
    expect(body.stale).toBe(false);
    expect(body.doctor).toEqual({
      ...chenGuohua,
      gender: 'male',
      bio: '主任医师、教授，心血管内科学科带头人，完成冠脉介入手术逾8000例，擅长复杂冠脉病变和难治性高血压。',
      scheduleSummary: [
        // Today from 09:10: the 09:15–11:45 morning slots remain (11 of 16).
        { date: '2026-11-25', period: 'morning', available: 2, total: 11 },
        { date: '2026-11-25', period: 'afternoon', available: 0, total: 14 },
        { date: '2026-11-26', period: 'morning', available: 2, total: 16 },
        { date: '2026-11-26', period: 'afternoon', available: 3, total: 14 },
        { date: '2026-11-27', period: 'morning', available: 7, total: 16 },
        { date: '2026-11-27', period: 'afternoon', available: 6, total: 14 },
        // Saturday: the tertiary hospital opens mornings only; Sunday closed.
        { date: '2026-11-28', period: 'morning', available: 6, total: 16 },
        { date: '2026-11-30', period: 'morning', available: 8, total: 16 },
        { date: '2026-11-30', period: 'afternoon', available: 7, total: 14 },
        // Month boundary: December follows November in local dates.
        { date: '2026-12-01', period: 'morning', available: 11, total: 16 },
        { date: '2026-12-01', period: 'afternoon', available: 7, total: 14 },
        { date: '2026-12-02', period: 'morning', available: 11, total: 16 },
        { date: '2026-12-02', period: 'afternoon', available: 10, total: 14 },
        { date: '2026-12-03', period: 'morning', available: 9, total: 16 },
        { date: '2026-12-03', period: 'afternoon', available: 7, total: 14 },
        { date: '2026-12-04', period: 'morning', available: 10, total: 16 },
        { date: '2026-12-04', period: 'afternoon', available: 10, total: 14 },
        { date: '2026-12-05', period: 'morning', available: 13, total: 16 },
        { date: '2026-12-07', period: 'morning', available: 13, total: 16 },
        { date: '2026-12-07', period: 'afternoon', available: 9, total: 14 },
        // Day 14 is the last one shown.
        { date: '2026-12-08', period: 'morning', available: 16, total: 16 },
        { date: '2026-12-08', period: 'afternoon', available: 9, total: 14 },
      ],
    });
  });

  it('answers 404 not_found for an unknown doctor', async () => {
    const response = await get(DirectoryPaths.doctor('pract-nobody'));
    expect(response.status).toBe(404);
    expect(await readJson(response)).toEqual({ error: { code: 'not_found', message: '未找到该医生，请返回医生列表重新选择' } });
  });
});

describe('input validation', () => {
  it.each([
    ['a space', DirectoryPaths.doctor('bad id')],
    ['a star', '/api/v1/departments/dept*1/doctors'],
    ['65 characters', DirectoryPaths.departments('x'.repeat(65))],
  ])('answers 400 invalid_request naming params.id for an id with %s', async (_name, path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    const body = await readJson(response);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'params.id', code: 'invalid_format' })]);
  });

  it.each([DirectoryPaths.institutions, DirectoryPaths.departments('org-core'), DirectoryPaths.doctors('dept-core-cardiology'), DirectoryPaths.doctor('pract-core-cardio-1')])(
    'rejects an unknown query parameter on %s, naming it',
    async (path) => {
      const response = await get(`${path}?page=2`);
      expect(response.status).toBe(400);
      expect(await readJson(response)).toEqual({
        error: {
          code: 'invalid_request',
          message: '请求参数有误（query.page），请检查后重试',
          details: [{ path: 'query.page', code: 'unrecognized_keys', message: 'unknown parameter "page"' }],
        },
      });
    },
  );
});

describe('when the hospital fails', () => {
  it('serves the cache with stale: true after a failed sync, and fresh again after a good one', async () => {
    const fresh = await readJson(await get(DirectoryPaths.doctors('dept-core-cardiology')));
    expect(fresh.stale).toBe(false);

    simulator.faults.set({ errorRate: 1 });
    clock.advance(10 * 60_000);
    const outcome = await app.directory.sync();
    expect(outcome.ok).toBe(false);

    const cached = await readJson(await get(DirectoryPaths.doctors('dept-core-cardiology')));
    expect(cached).toEqual({ ...fresh, stale: true, syncedAt: '2026-11-25T01:10:00.000Z' });
    const institutions = await readJson(await get(DirectoryPaths.institutions));
    expect(institutions.stale).toBe(true);
    expect(institutions.items).toHaveLength(4);

    // The profile is cached; the live schedule is not: empty summary, stale.
    const profile = await readJson(await get(DirectoryPaths.doctor('pract-core-cardio-1')));
    expect(profile).toEqual({
      doctor: { ...chenGuohua, gender: 'male', bio: expect.any(String), scheduleSummary: [] },
      stale: true,
      syncedAt: '2026-11-25T01:10:00.000Z',
    });

    simulator.faults.clear();
    expect((await app.directory.sync()).ok).toBe(true);
    const recovered = await readJson(await get(DirectoryPaths.institutions));
    expect([recovered.stale, recovered.syncedAt]).toEqual([false, '2026-11-25T01:20:00.000Z']);
  });

  it('marks the cache stale once the last good sync is older than DIRECTORY_STALE_AFTER_MS', async () => {
    expect((await readJson(await get(DirectoryPaths.institutions))).stale).toBe(false);
    clock.advance(HOUR);
    expect((await readJson(await get(DirectoryPaths.institutions))).stale).toBe(false);
    clock.advance(1);
    expect((await readJson(await get(DirectoryPaths.institutions))).stale).toBe(true);
  });

  it('answers 503 hospital_unavailable when the cache is empty and the hospital errors', async () => {
    simulator.faults.set({ errorRate: 1 });
    const response = await get(DirectoryPaths.institutions);
    expect(response.status).toBe(503);
    expect(await readJson(response)).toEqual({ error: { code: 'hospital_unavailable', message: '医院系统暂时无法访问，请稍后再试' } });
  });

  it('answers 504 hospital_timeout within the time budget when the hospital is slower than the time-out', async () => {
    simulator.faults.set({ latencyMs: 5_000 });
    const started = performance.now();
    const response = await get(DirectoryPaths.doctors('dept-core-cardiology'));
    const elapsed = performance.now() - started;
    expect(response.status).toBe(504);
    expect(await readJson(response)).toEqual({ error: { code: 'hospital_timeout', message: '医院系统响应超时，请稍后再试' } });
    // 300 ms × (1 retry + 1) plus back-off and generous slack; far below the 5 s the hospital takes.
    expect(elapsed).toBeLessThan(300 * 2 + 1_500);
  });
});
