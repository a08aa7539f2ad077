import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// Patients (就诊人) end to end: the real app on the embedded database, sign-in through the
// WeChat sandbox, the MPI lookup against the hospital simulator (or an address nothing answers).

const NOW = new Date('2026-11-25T09:10:00+08:00');
const NOW_ISO = '2026-11-25T01:10:00.000Z';

/** A resident id number with its check character. */
const residentId = (first17: string) => first17 + residentIdCheckChar(first17);
/** 王建国, a demo patient the simulator's master patient index knows (pat-wang-jianguo). */
const WANG = residentId('11010119580315231');
/** A person no hospital knows: born 1990-03-07, male (17th digit 3). */
const ZHANG = residentId('11010519900307123');
/** Born 1992-08-15, female (17th digit 4). */
const LI = residentId('11010519920815124');

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let simulator: RunningSimulator;

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  simulator = await startHospitalSimulator({ now: () => clock.now() });
});
afterAll(async () => {
  await simulator?.stop();
  await sandbox?.stop();
  await mongo?.stop();
});

const send = (method: string, body: unknown, token: string): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
});
const bearer = (token: string, method = 'GET'): RequestInit => ({ method, headers: { Authorization: `Bearer ${token}` } });

describe('with the hospital simulator', () => {
  let app: TestApp;
  let token: string;

  beforeEach(async () => {
    clock.set(NOW);
    simulator.reset();
    app = await startTestApp({ mongoUri: mongo.uri, clock, hospitalBaseUrl: simulator.baseUrl, wechat: { baseUrl: sandbox.baseUrl } });
    token = await signIn(app, 'sandbox:alice');
  });
  afterEach(async () => {
    await app?.close();
  });

  const create = (body: unknown, as = token) => app.fetch('/api/v1/patients', send('POST', body, as));
  const rawPatients = () => app.connection.db!.collection('patients').find().toArray();

  it('adds the account holder: gender and birth date from the id number, id and phone masked', async () => {
    const response = await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG, phone: '13812345678' });
    expect(response.status).toBe(201);
    const patient = await readJson(response);
    expect(patient).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      relationship: 'self',
      name: '张伟',
      gender: 'male',
      birthDate: '1990-03-07',
      idType: 'resident_id',
      idNumberMasked: `110***********${ZHANG.slice(-4)}`,
      phoneMasked: '138****5678',
      allergies: [],
      chronicConditions: [],
      createdAt: NOW_ISO,
    });

    const list = await app.fetch('/api/v1/patients', bearer(token));
    expect(await readJson(list)).toEqual({ items: [patient] });
    const one = await app.fetch(`/api/v1/patients/${patient.id}`, bearer(token));
    expect(one.status).toBe(200);
    expect(await readJson(one)).toEqual(patient);
  });

  it('stores neither the id number nor the phone in the clear, and records who wrote', async () => {
    const created = await readJson(
      await create({ relationship: 'parent', name: '李秀兰', idType: 'resident_id', idNumber: LI, phone: '13987654321' }),
    );
    const raw = await rawPatients();
    expect(raw).toHaveLength(1);
    const text = JSON.stringify(raw);
    for (const secret of [LI, LI.slice(0, 17), '13987654321', '3987654321']) expect(text).not.toContain(secret);
    const [doc] = raw;
    expect(doc!._id.toHexString()).toBe(created.id);
    expect(doc!.createdBy.toHexString()).toBe(doc!.ownerAccountId.toHexString());
    expect(doc!.updatedBy.toHexString()).toBe(doc!.ownerAccountId.toHexString());
    expect(doc!.gender).toBe('female');
    expect(doc!.birthDate).toBe('1992-08-15');
    expect(JSON.stringify(app.logs)).not.toContain(LI);
    expect(JSON.stringify(app.logs)).not.toContain('13987654321');
  });

  it('links a demo patient to the hospital master patient index, and leaves a new person unlinked', async () => {
    expect((await create({ relationship: 'parent', name: '王建国', idType: 'resident_id', idNumber: WANG })).status).toBe(201);
    expect((await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG })).status).toBe(201);
    const raw = await rawPatients();
    expect(raw.map((p) => [p.name, p.hospitalPatientId])).toEqual([
      ['王建国', 'pat-wang-jianguo'],
      ['张伟', null],
    ]);
  });

  it('refuses the same person twice (409 patient_exists), lower-case x included', async () => {
    const xId = residentId('11010519491231002');
    expect(xId.endsWith('X')).toBe(true);
    expect((await create({ relationship: 'parent', name: '赵敏', idType: 'resident_id', idNumber: xId })).status).toBe(201);
    const again = await create({ relationship: 'other', name: '赵敏', idType: 'resident_id', idNumber: xId.toLowerCase() });
    expect(again.status).toBe(409);
    expect(await readJson(again)).toEqual({
      error: { code: 'patient_exists', message: '该就诊人已添加，无需重复添加；请在就诊人列表中查看' },
    });
    expect(await rawPatients()).toHaveLength(1);
  });

  it('adds the same person once when the requests race (the unique index decides)', async () => {
    const body = { relationship: 'parent', name: '李秀兰', idType: 'resident_id', idNumber: LI };
    const responses = await Promise.all(Array.from({ length: 5 }, () => create(body)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect((await readJson(response)).error.code).toBe('patient_exists');
    }
    expect(await rawPatients()).toHaveLength(1);
  });

  it('lets another account add the same person', async () => {
    const bob = await signIn(app, 'sandbox:bob');
    expect((await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG })).status).toBe(201);
    expect((await create({ relationship: 'child', name: '张伟', idType: 'resident_id', idNumber: ZHANG }, bob)).status).toBe(201);
  });

  it('allows one self per account (409 patient_self_exists)', async () => {
    expect((await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG })).status).toBe(201);
    const second = await create({ relationship: 'self', name: '李秀兰', idType: 'resident_id', idNumber: LI });
    expect(second.status).toBe(409);
    expect((await readJson(second)).error.code).toBe('patient_self_exists');
  });

  it('allows at most 10 patients per account (409 patient_limit)', async () => {
    for (let i = 0; i < 10; i += 1) {
      const response = await create({ relationship: 'other', name: '家人', idType: 'passport', idNumber: `E1234567${i}` });
      expect(response.status).toBe(201);
    }
    const eleventh = await create({ relationship: 'other', name: '家人', idType: 'passport', idNumber: 'E99999999' });
    expect(eleventh.status).toBe(409);
    expect(await readJson(eleventh)).toEqual({
      error: { code: 'patient_limit', message: '每个账号最多添加10位就诊人，请先删除不再需要的就诊人' },
    });
    expect(await rawPatients()).toHaveLength(10);
  });

  it('keeps the limit when adds race: twelve at once give ten 201 and two 409 patient_limit', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        create({ relationship: 'other', name: '家人', idType: 'passport', idNumber: `E${String(10_000_000 + i)}` }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    expect(await rawPatients()).toHaveLength(10);
  });

  it.each([
    ['an invalid check character', { idNumber: ZHANG.slice(0, 17) + (ZHANG.endsWith('0') ? '1' : '0') }, 'body.idNumber'],
    ['a birth date in the future', { idNumber: residentId('11010520991231123') }, 'body.idNumber'],
    ['a 10,000-character name', { name: '张'.repeat(10_000) }, 'body.name'],
    ['a number as the name', { name: 42 }, 'body.name'],
    ['an unknown relationship', { relationship: 'boss' }, 'body.relationship'],
    ['a phone that is not a mainland mobile', { phone: '12345' }, 'body.phone'],
    ['an owner in the body', { ownerAccountId: '0123456789abcdef01234567' }, 'body.ownerAccountId'],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_case, override, path) => {
    const response = await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG, ...override });
    expect(response.status).toBe(400);
    const body = await readJson(response);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await app.connection.db!.collection('patients').countDocuments()).toBe(0);
  });

  it('changes a patient (recording who), removes the phone, refuses changing the id', async () => {
    const created = await readJson(
      await create({ relationship: 'parent', name: '李秀兰', idType: 'resident_id', idNumber: LI, phone: '13987654321' }),
    );
    clock.advance(60_000);
    const changed = await app.fetch(`/api/v1/patients/${created.id}`, send('PATCH', { allergies: ['青霉素'], phone: null }, token));
    expect(changed.status).toBe(200);
    const expected = { ...created, allergies: ['青霉素'] };
    delete expected.phoneMasked;
    expect(await readJson(changed)).toEqual(expected);
    const [doc] = await rawPatients();
    expect(doc!.updatedAt.toISOString()).toBe('2026-11-25T01:11:00.000Z');
    expect(doc!.phoneEnc).toBeUndefined();

    const idChange = await app.fetch(`/api/v1/patients/${created.id}`, send('PATCH', { idNumber: ZHANG }, token));
    expect(idChange.status).toBe(400);
    expect((await readJson(idChange)).error.details[0].path).toBe('body.idNumber');
  });

  it('deletes softly: gone from the API, kept in the database, and the person can be added again', async () => {
    const created = await readJson(await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG }));
    const removed = await app.fetch(`/api/v1/patients/${created.id}`, bearer(token, 'DELETE'));
    expect(removed.status).toBe(204);
    expect((await app.fetch(`/api/v1/patients/${created.id}`, bearer(token))).status).toBe(404);
    expect(await readJson(await app.fetch('/api/v1/patients', bearer(token)))).toEqual({ items: [] });
    const [doc] = await rawPatients();
    expect(doc!.deleted).toBe(true);
    expect(doc!.deletedAt.toISOString()).toBe(NOW_ISO);
    expect(doc!.deletedBy.toHexString()).toBe(doc!.ownerAccountId.toHexString());
    expect((await create({ relationship: 'self', name: '张伟', idType: 'resident_id', idNumber: ZHANG })).status).toBe(201);
  });

  it('answers 404 for a malformed or unknown id', async () => {
    for (const id of ['nope', '0123456789abcdef01234567']) {
      const response = await app.fetch(`/api/v1/patients/${id}`, bearer(token));
      expect(response.status).toBe(404);
      expect((await readJson(response)).error.code).toBe('not_found');
    }
  });
});

describe('with the hospital down', () => {
  let app: TestApp;

  beforeEach(async () => {
    clock.set(NOW);
    // Nothing listens on port 9: every MPI lookup fails.
    app = await startTestApp({ mongoUri: mongo.uri, clock, wechat: { baseUrl: sandbox.baseUrl } });
  });
  afterEach(async () => {
    await app?.close();
  });

  it('still adds the patient, unlinked, and logs the failure', async () => {
    const token = await signIn(app, 'sandbox:alice');
    const response = await app.fetch(
      '/api/v1/patients',
      send('POST', { relationship: 'parent', name: '王建国', idType: 'resident_id', idNumber: WANG }, token),
    );
    expect(response.status).toBe(201);
    expect((await readJson(response)).gender).toBe('male');
    const [doc] = await app.connection.db!.collection('patients').find().toArray();
    expect(doc!.hospitalPatientId).toBeNull();
    expect(app.logs.some((line) => line.msg === 'hospital patient index lookup failed; patient saved unlinked')).toBe(true);
  });
});

async function signIn(app: TestApp, code: string): Promise<string> {
  const response = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  expect(response.status).toBe(200);
  return (await readJson(response)).accessToken as string;
}
