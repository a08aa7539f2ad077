import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { PatientSchema, ProxyInvitationSchema } from '@careloop/shared/contracts/patients';
import { residentIdCheckChar } from '@careloop/shared/domain/id-card';
import { startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// 家人代办 end to end: 张建华 (the owner) registered his mother and invites his daughter's
// account to act for her with a one-time code; a third account never sees her.

const NOW = new Date('2026-11-25T09:10:00+08:00');
const NOW_ISO = '2026-11-25T01:10:00.000Z';
const TEN_MINUTES = 10 * 60_000;
const residentId = (first17: string) => first17 + residentIdCheckChar(first17);
/** The mother, born 1952-06-18, female. */
const MOTHER_ID = residentId('11010519520618002');

let mongo: TestMongo;
let clock: TestClock;
let sandbox: RunningWechatSandbox;
let app: TestApp;

const send = (method: string, body: unknown, token: string): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
const bearer = (token: string, method = 'GET'): RequestInit => ({ method, headers: { Authorization: `Bearer ${token}` } });

async function signIn(code: string): Promise<{ token: string; accountId: string }> {
  const response = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
  expect(response.status).toBe(200);
  const body = await readJson(response);
  return { token: body.accessToken, accountId: body.account.id };
}

let owner: { token: string; accountId: string };
let daughter: { token: string; accountId: string };
let stranger: { token: string; accountId: string };

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
  sandbox = await startWechatSandbox({ now: () => clock.now() });
  app = await startTestApp({ mongoUri: mongo.uri, clock, wechat: { baseUrl: sandbox.baseUrl } });
  owner = await signIn('sandbox:zhang-jianhua');
  daughter = await signIn('sandbox:zhang-xiaomei');
  stranger = await signIn('sandbox:stranger');
  const nickname = await app.fetch('/api/v1/auth/me', send('PATCH', { nickname: '小美' }, daughter.token));
  expect(nickname.status).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await sandbox?.stop();
  await mongo?.stop();
});

let motherId: string;
let mother: Record<string, unknown>;
beforeEach(async () => {
  clock.set(NOW);
  for (const name of ['patients', 'proxy_invitations', 'patient_changes', 'consents']) await app.connection.db!.collection(name).deleteMany({});
  const created = await app.fetch(
    '/api/v1/patients',
    send('POST', { relationship: 'parent', name: '王秀兰', idType: 'resident_id', idNumber: MOTHER_ID, phone: '13700001111', chronicConditions: ['高血压'] }, owner.token),
  );
  expect(created.status).toBe(201);
  mother = await readJson(created);
  motherId = mother.id as string;
});

const invite = async (as = owner.token, id = motherId) => app.fetch(`/api/v1/patients/${id}/proxy-invitations`, send('POST', undefined, as));
const accept = (code: unknown, as = daughter.token) => app.fetch('/api/v1/proxy-invitations/accept', send('POST', { code }, as));
const list = async (as: string) => (await readJson(await app.fetch('/api/v1/patients', bearer(as)))).items;
/** Invites and has the daughter accept; returns the code. */
async function linkDaughter(): Promise<string> {
  const { code } = await readJson(await invite());
  expect((await accept(code)).status).toBe(200);
  return code;
}

describe('invite and accept', () => {
  it('the owner gets an 8-character code valid 10 minutes, stored only hashed', async () => {
    const response = await invite();
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const invitation = await readJson(response);
    expect(ProxyInvitationSchema.parse(invitation)).toEqual(invitation);
    expect(invitation).toEqual({ code: expect.stringMatching(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/), expiresAt: '2026-11-25T01:20:00.000Z' });
    const stored = await app.connection.db!.collection('proxy_invitations').find().toArray();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(invitation.code);
    expect(stored[0]!.codeHash).toMatch(/^[A-Za-z0-9_\-+/=]{20,}$/);
    expect(JSON.stringify(app.logs)).not.toContain(invitation.code);
  });

  it('another account accepts (case, spaces and dashes ignored) and now lists the patient with access proxy', async () => {
    const { code } = await readJson(await invite());
    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `;
    const response = await accept(typed);
    expect(response.status).toBe(200);
    const asProxy = await readJson(response);
    expect(PatientSchema.parse(asProxy)).toEqual(asProxy);
    expect(asProxy).toEqual({ ...mother, access: 'proxy' });
    expect(await list(daughter.token)).toEqual([{ ...mother, access: 'proxy' }]);
    // The owner's view is unchanged (no `access`: the owner's own patient).
    expect(await list(owner.token)).toEqual([mother]);

    const owners = await readJson(await app.fetch(`/api/v1/patients/${motherId}/proxies`, bearer(owner.token)));
    expect(owners).toEqual({ items: [{ accountId: daughter.accountId, nickname: '小美', since: NOW_ISO }] });
  });

  it('a code works once: a second account gets 409 invitation_used', async () => {
    const code = await linkDaughter();
    const again = await accept(code, stranger.token);
    expect(again.status).toBe(409);
    expect((await readJson(again)).error).toEqual({ code: 'invitation_used', message: '该邀请码已被使用，每个邀请码只能使用一次；请家人重新生成邀请码' });
    expect(await list(stranger.token)).toEqual([]);
  });

  it('two accounts racing with one code: one gets the patient, the other 409', async () => {
    const { code } = await readJson(await invite());
    const [a, b] = await Promise.all([accept(code, daughter.token), accept(code, stranger.token)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const proxies = (await app.connection.db!.collection('patients').findOne())!.proxies;
    expect(proxies).toHaveLength(1);
  });

  it('after 10 minutes the code is expired (410); unknown (404) and malformed (400) codes are told apart', async () => {
    const { code } = await readJson(await invite());
    clock.advance(TEN_MINUTES);
    const expired = await accept(code);
    expect(expired.status).toBe(410);
    expect((await readJson(expired)).error).toEqual({ code: 'invitation_expired', message: '邀请码已过期（有效期10分钟），请家人重新生成邀请码' });
    clock.set(NOW);
    const unknown = await accept(code === 'ABCDEFGH' ? 'ABCDEFGJ' : 'ABCDEFGH');
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).error.code).toBe('invitation_not_found');
    const malformed = await accept('12345');
    expect(malformed.status).toBe(400);
    expect((await readJson(malformed)).error.details).toEqual([
      { path: 'body.code', code: 'invalid_format', message: '邀请码应为8位字母或数字，请核对后重新输入' },
    ]);
    expect(await list(daughter.token)).toEqual([]);
  });

  it('the owner accepting their own code: 409 proxy_is_owner, and the code stays usable', async () => {
    const { code } = await readJson(await invite());
    const own = await accept(code, owner.token);
    expect(own.status).toBe(409);
    expect((await readJson(own)).error.code).toBe('proxy_is_owner');
    expect((await accept(code)).status).toBe(200);
  });

  it('a deleted patient takes its open invitations with it (404)', async () => {
    const { code } = await readJson(await invite());
    expect((await app.fetch(`/api/v1/patients/${motherId}`, bearer(owner.token, 'DELETE'))).status).toBe(204);
    expect((await accept(code)).status).toBe(404);
  });
});

describe('what a proxy may do', () => {
  it('reads and changes the patient; the change records the acting account', async () => {
    await linkDaughter();
    const one = await app.fetch(`/api/v1/patients/${motherId}`, bearer(daughter.token));
    expect(await readJson(one)).toEqual({ ...mother, access: 'proxy' });
    const changed = await app.fetch(`/api/v1/patients/${motherId}`, send('PATCH', { allergies: ['青霉素'] }, daughter.token));
    expect(changed.status).toBe(200);
    expect(await readJson(changed)).toEqual({ ...mother, allergies: ['青霉素'], access: 'proxy' });
    // The owner sees the change.
    expect((await list(owner.token))[0].allergies).toEqual(['青霉素']);

    const [doc] = await app.connection.db!.collection('patients').find().toArray();
    expect(doc!.updatedBy.toHexString()).toBe(daughter.accountId);
    expect(doc!.createdBy.toHexString()).toBe(owner.accountId);
    const changes = await app.connection.db!.collection('patient_changes').find().sort({ _id: 1 }).toArray();
    expect(changes.map((c) => [c.kind, c.actingAccountId.toHexString(), c.fields, c.subjectAccountId?.toHexString() ?? null])).toEqual([
      ['create', owner.accountId, ['chronicConditions', 'idNumber', 'idType', 'name', 'phone', 'relationship'], null],
      ['proxy_invite', owner.accountId, [], null],
      ['proxy_accept', daughter.accountId, [], daughter.accountId],
      ['update', daughter.accountId, ['allergies'], null],
    ]);
    // Field names only: never an identity number or phone in the change log.
    expect(JSON.stringify(changes)).not.toContain(MOTHER_ID);
    expect(JSON.stringify(changes)).not.toContain('13700001111');
  });

  it('grants a consent for the patient, recorded as the proxy’s act', async () => {
    await linkDaughter();
    const granted = await app.fetch('/api/v1/consents', send('POST', { kind: 'health_data_processing', version: '2026-01', patientId: motherId }, daughter.token));
    expect(granted.status).toBe(201);
    expect((await readJson(granted)).actingAccountId).toBe(daughter.accountId);
  });

  it('cannot delete the patient, invite, list or revoke proxies: 403 action_not_permitted', async () => {
    await linkDaughter();
    const attempts = [
      app.fetch(`/api/v1/patients/${motherId}`, bearer(daughter.token, 'DELETE')),
      invite(daughter.token),
      app.fetch(`/api/v1/patients/${motherId}/proxies`, bearer(daughter.token)),
      app.fetch(`/api/v1/patients/${motherId}/proxies/${daughter.accountId}`, bearer(daughter.token, 'DELETE')),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect((await readJson(response)).error).toEqual({ code: 'action_not_permitted', message: '您没有权限进行此操作' });
    }
    expect(await list(daughter.token)).toHaveLength(1);
  });

  it('a third account still gets 404 on every route of the patient', async () => {
    await linkDaughter();
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/patients/${motherId}`],
      ['PATCH', `/api/v1/patients/${motherId}`, { allergies: ['花粉'] }],
      ['DELETE', `/api/v1/patients/${motherId}`],
      ['POST', `/api/v1/patients/${motherId}/proxy-invitations`],
      ['GET', `/api/v1/patients/${motherId}/proxies`],
      ['DELETE', `/api/v1/patients/${motherId}/proxies/${daughter.accountId}`],
    ];
    for (const [method, path, body] of routes) {
      const response = await app.fetch(path, send(method, body, stranger.token));
      expect(response.status, `${method} ${path}`).toBe(404);
      const text = await response.text();
      expect(JSON.parse(text).error.code).toBe('not_found');
      expect(text).not.toContain('王秀兰');
    }
    expect(await list(stranger.token)).toEqual([]);
    const [doc] = await app.connection.db!.collection('patients').find().toArray();
    expect(doc!.allergies).toEqual([]);
    expect(doc!.proxies.map((p: { accountId: { toHexString(): string } }) => p.accountId.toHexString())).toEqual([daughter.accountId]);
  });
});

describe('revoke', () => {
  it('the owner revokes: the proxy no longer sees the patient (404), revoking again is 404', async () => {
    await linkDaughter();
    const revoked = await app.fetch(`/api/v1/patients/${motherId}/proxies/${daughter.accountId}`, bearer(owner.token, 'DELETE'));
    expect(revoked.status).toBe(204);
    expect(await list(daughter.token)).toEqual([]);
    expect((await app.fetch(`/api/v1/patients/${motherId}`, bearer(daughter.token))).status).toBe(404);
    expect((await app.fetch(`/api/v1/patients/${motherId}`, send('PATCH', { allergies: ['花粉'] }, daughter.token))).status).toBe(404);
    expect(await readJson(await app.fetch(`/api/v1/patients/${motherId}/proxies`, bearer(owner.token)))).toEqual({ items: [] });
    const again = await app.fetch(`/api/v1/patients/${motherId}/proxies/${daughter.accountId}`, bearer(owner.token, 'DELETE'));
    expect(again.status).toBe(404);
    expect((await app.fetch(`/api/v1/patients/${motherId}/proxies/not-an-id`, bearer(owner.token, 'DELETE'))).status).toBe(404);
    const kinds = (await app.connection.db!.collection('patient_changes').find().toArray()).map((c) => c.kind);
    expect(kinds).toEqual(['create', 'proxy_invite', 'proxy_accept', 'proxy_revoke']);
  });

  it('a new invitation brings the proxy back', async () => {
    await linkDaughter();
    await app.fetch(`/api/v1/patients/${motherId}/proxies/${daughter.accountId}`, bearer(owner.token, 'DELETE'));
    await linkDaughter();
    expect(await list(daughter.token)).toEqual([{ ...mother, access: 'proxy' }]);
  });
});

describe('the 10-patient limit counts per owner', () => {
  it('patients the account acts for do not count against its own 10', async () => {
    for (let i = 0; i < 10; i += 1) {
      const first17 = `11010519800101${100 + i}`;
      const response = await app.fetch(
        '/api/v1/patients',
        send('POST', { relationship: 'other', name: `亲属${'一二三四五六七八九十'[i]}`, idType: 'resident_id', idNumber: residentId(first17) }, daughter.token),
      );
      expect(response.status, `patient ${i + 1}`).toBe(201);
    }
    await linkDaughter();
    const items = await list(daughter.token);
    expect(items).toHaveLength(11);
    expect(items.filter((p: { access?: string }) => p.access === 'proxy').map((p: { id: string }) => p.id)).toEqual([motherId]);
    const eleventh = await app.fetch(
      '/api/v1/patients',
      send('POST', { relationship: 'other', name: '亲属', idType: 'resident_id', idNumber: residentId('11010519800101199') }, daughter.token),
    );
    expect(eleventh.status).toBe(409);
    expect((await readJson(eleventh)).error.code).toBe('patient_limit');
    // The owner has one patient and may add more.
    const more = await app.fetch('/api/v1/patients', send('POST', { relationship: 'self', name: '张建华', idType: 'resident_id', idNumber: residentId('11010519750301001') }, owner.token));
    expect(more.status).toBe(201);
  });
});
