import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { authenticator } from 'otplib';
import { StaffAuthPaths, StaffLoginResponseSchema } from '@careloop/shared/contracts/staff';
import { demoStaffPassword } from '../../server/src/features/staff-auth/index.js';
import { readJson, testClock, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';
import { startStaffApp, staffProbePaths, type StaffApp } from '../support/staff-app.js';

// Staff login end to end: a Koa app with the real error middleware and staff-auth routes on the
// embedded database, seeded with the demo alliance's staff accounts, at a pinned instant. The
// instant lies in the future because the embedded server's TTL sweep uses the real clock.

/** Monday 4 March 2030, 09:00 in Shanghai. */
const NOW = new Date('2030-03-04T09:00:00+08:00');
const MINUTE = 60_000;
const ADMIN_CORE_SECRET = 'RFZGU5IUQPWRSIC4E4DFIG5NMSFS3HKI';
const ADMIN_ALLIANCE_SECRET = 'F5YRKTCX4ZK22DRUT3QDHG2TRRDZ2B5C';
const api = (path: string) => `/api/v1${path}`;

const invalidCredentials = { error: { code: 'invalid_credentials', message: '用户名或密码错误' } };

let mongo: TestMongo;
let clock: TestClock;
let app: StaffApp;

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
});

afterAll(async () => {
  await mongo?.stop();
});

beforeEach(async () => {
  clock.set(NOW);
  app = await startStaffApp({ mongoUri: mongo.uri, clock });
  await app.auth.seedDemoStaff();
});

afterEach(async () => {
  await app?.close();
});

/** The authenticator code for a secret at the test clock's time (offset in 30 s steps). */
function codeFor(secret: string, stepsFromNow = 0): string {
  return authenticator.clone({ epoch: clock.now().getTime() + stepsFromNow * 30_000 }).generate(secret);
}

function login(body: Record<string, unknown>): Promise<Response> {
  return app.fetch(api(StaffAuthPaths.login), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function tokenFor(username: string, totp?: string): Promise<string> {
  const response = await login({ username, password: demoStaffPassword, ...(totp ? { totp } : {}) });
  expect(response.status).toBe(200);
  return StaffLoginResponseSchema.parse(await readJson(response)).accessToken;
}

describe('POST /api/v1/staff/auth/login', () => {
  it('logs a scheduler in with a 30-minute staff token and shows who they are', async () => {
    const response = await login({ username: 'scheduler.core', password: demoStaffPassword });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await readJson(response);
    expect(body).toEqual({
      accessToken: expect.any(String),
      expiresAt: '2030-03-04T01:30:00.000Z',
      staff: { id: 'staff-scheduler-core', username: 'scheduler.core', displayName: '王晓雯（号源管理员）', role: 'scheduler', institutionId: 'org-core' },
    });
    const decoded = jwt.decode(body.accessToken, { complete: true });
    expect(decoded?.header.alg).toBe('HS256');
    expect(decoded?.payload).toEqual({
      typ: 'staff',
      role: 'scheduler',
      inst: 'org-core',
      sub: 'staff-scheduler-core',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 1800,
    });

    const me = await app.fetch(api(StaffAuthPaths.me), bearer(body.accessToken));
    expect(me.status).toBe(200);
    expect(await readJson(me)).toEqual({ staff: body.staff });
  });

  it('accepts the username in any case', async () => {
    const response = await login({ username: '  Doctor.Core ', password: demoStaffPassword });
    expect(response.status).toBe(200);
    expect((await readJson(response)).staff.username).toBe('doctor.core');
  });

  it('asks an admin with the right password for the authenticator code: 401 totp_required', async () => {
    const response = await login({ username: 'admin.core', password: demoStaffPassword });
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual({
      error: { code: 'totp_required', message: '该账号需要动态验证码，请打开身份验证器输入 6 位验证码' },
    });
  });

  it('logs an admin in with the code from the seeded secret, once per code', async () => {
    const totp = codeFor(ADMIN_CORE_SECRET);
    const response = await login({ username: 'admin.core', password: demoStaffPassword, totp });
    expect(response.status).toBe(200);
    expect((await readJson(response)).staff).toEqual({
      id: 'staff-admin-core',
      username: 'admin.core',
      displayName: '吴志强（市一院系统管理员）',
      role: 'institution_admin',
      institutionId: 'org-core',
    });
    // The same code again (e.g. seen over a shoulder) is refused.
    const replay = await login({ username: 'admin.core', password: demoStaffPassword, totp });
    expect(replay.status).toBe(401);
    expect(await readJson(replay)).toEqual(invalidCredentials);
  });

  it('accepts the code of the previous 30-second step (phone clock drift) for the alliance admin', async () => {
    const response = await login({ username: 'admin.alliance', password: demoStaffPassword, totp: codeFor(ADMIN_ALLIANCE_SECRET, -1) });
    expect(response.status).toBe(200);
    expect((await readJson(response)).staff).toMatchObject({ role: 'alliance_admin', institutionId: 'alliance' });
  });

  it('refuses a wrong or stale code with the same 401 as a wrong password', async () => {
    const stale = codeFor(ADMIN_CORE_SECRET, -10);
    expect([-1, 0, 1].map((step) => codeFor(ADMIN_CORE_SECRET, step))).not.toContain(stale);
    const response = await login({ username: 'admin.core', password: demoStaffPassword, totp: stale });
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual(invalidCredentials);
  });

  it('does not ask for the code when the password is wrong', async () => {
    const response = await login({ username: 'admin.core', password: 'wrong-password' });
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual(invalidCredentials);
  });

  it('locks the account for 15 minutes after 5 wrong passwords, then lets the right one in', async () => {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const response = await login({ username: 'doctor.core', password: `wrong-${attempt}` });
      expect(response.status).toBe(401);
      expect(await readJson(response)).toEqual(invalidCredentials);
      clock.advance(1_000);
    }
    // Locked at 09:00:04 until 09:15:04 (shown rounded up to 09:16).
    const locked = await login({ username: 'doctor.core', password: demoStaffPassword });
    expect(locked.status).toBe(423);
    expect(await readJson(locked)).toEqual({
      error: {
        code: 'account_locked',
        message: '登录失败次数过多，账号已临时锁定，请于 2030-03-04 09:16（北京时间）后重试',
        details: { lockedUntil: '2030-03-04T01:15:04.000Z' },
      },
    });

    clock.set(new Date('2030-03-04T01:15:03.999Z'));
    expect((await login({ username: 'doctor.core', password: demoStaffPassword })).status).toBe(423);

    clock.set(new Date('2030-03-04T01:15:04.000Z'));
    const again = await login({ username: 'doctor.core', password: demoStaffPassword });
    expect(again.status).toBe(200);
    expect((await readJson(again)).staff.username).toBe('doctor.core');
  });

  it('counts consecutive failures only: a success starts the count again', async () => {
    for (let attempt = 1; attempt <= 4; attempt += 1) expect((await login({ username: 'nurse.core', password: 'nope' })).status).toBe(401);
    expect((await login({ username: 'nurse.core', password: demoStaffPassword })).status).toBe(200);
    for (let attempt = 1; attempt <= 4; attempt += 1) expect((await login({ username: 'nurse.core', password: 'nope' })).status).toBe(401);
    expect((await login({ username: 'nurse.core', password: demoStaffPassword })).status).toBe(200);
  });

  it('counts wrong authenticator codes towards the lockout', async () => {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await login({ username: 'admin.core', password: demoStaffPassword, totp: codeFor(ADMIN_CORE_SECRET, -20 - attempt) })).status).toBe(401);
    }
    const locked = await login({ username: 'admin.core', password: demoStaffPassword, totp: codeFor(ADMIN_CORE_SECRET) });
    expect(locked.status).toBe(423);
    expect((await readJson(locked)).error.details).toEqual({ lockedUntil: '2030-03-04T01:15:00.000Z' });
  });

  it('answers an unknown username exactly like a wrong password, lockout included', async () => {
    const unknown = await login({ username: 'nobody.core', password: demoStaffPassword });
    const wrong = await login({ username: 'doctor.core', password: 'not-the-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const unknownBody = await readJson(unknown);
    expect(unknownBody).toEqual(await readJson(wrong));
    expect(unknownBody).toEqual(invalidCredentials);

    for (let attempt = 2; attempt <= 5; attempt += 1) expect((await login({ username: 'nobody.core', password: 'x' })).status).toBe(401);
    const locked = await login({ username: 'nobody.core', password: 'x' });
    expect(locked.status).toBe(423);
    expect((await readJson(locked)).error.code).toBe('account_locked');
  });

  it('rejects a malformed request by field', async () => {
    const response = await login({ username: 'doctor.core', password: demoStaffPassword, totp: '12ab' });
    expect(response.status).toBe(400);
    expect((await readJson(response)).error).toMatchObject({ code: 'invalid_request', details: [{ path: 'body.totp' }] });
  });
});

describe('POST /api/v1/staff/auth/logout', () => {
  it('revokes the token: 204, then the same token is a 401', async () => {
    const token = await tokenFor('quality.core');
    const response = await app.fetch(api(StaffAuthPaths.logout), { method: 'POST', ...bearer(token) });
    expect(response.status).toBe(204);
    const me = await app.fetch(api(StaffAuthPaths.me), bearer(token));
    expect(me.status).toBe(401);
    expect((await readJson(me)).error.code).toBe('unauthenticated');
    // Another session of the same person is unaffected.
    const other = await tokenFor('quality.core');
    expect((await app.fetch(api(StaffAuthPaths.me), bearer(other))).status).toBe(200);
  });
});

describe('requireStaff', () => {
  const unauthenticated = { error: { code: 'unauthenticated', message: '请先使用工作人员账号登录（登录已失效或无效）' } };

  it('puts the staff member on ctx.state.staff', async () => {
    const token = await tokenFor('doctor.core');
    const response = await app.fetch(staffProbePaths.doctorsOnly, bearer(token));
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({
      staff: { id: 'staff-doctor-core', role: 'doctor', institutionId: 'org-core', sessionId: jwt.decode(token, { json: true })?.jti },
    });
  });

  it('refuses a request without a token', async () => {
    const response = await app.fetch(staffProbePaths.anyStaff);
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual(unauthenticated);
  });

  it('refuses a patient token signed with the same key', async () => {
    const staffToken = await tokenFor('doctor.core');
    const { jti } = jwt.decode(staffToken, { json: true }) ?? {};
    const patientToken = jwt.sign({ typ: 'patient', sub: 'staff-doctor-core', jti, role: 'doctor', inst: 'org-core' }, app.jwtSecret, {
      algorithm: 'HS256',
      expiresIn: 600,
    });
    const response = await app.fetch(staffProbePaths.anyStaff, bearer(patientToken));
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual(unauthenticated);
  });

  it('refuses a tampered token (role raised, signature kept)', async () => {
    const [header, payload, signature] = (await tokenFor('scheduler.core')).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'alliance_admin', inst: 'alliance' })).toString('base64url');
    const response = await app.fetch(staffProbePaths.anyStaff, bearer(`${header}.${forged}.${signature}`));
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual(unauthenticated);
  });

  it('refuses an expired token after the 30-minute session', async () => {
    const token = await tokenFor('doctor.core');
    clock.advance(30 * MINUTE - 1_000);
    expect((await app.fetch(staffProbePaths.anyStaff, bearer(token))).status).toBe(200);
    clock.advance(1_000);
    const response = await app.fetch(staffProbePaths.anyStaff, bearer(token));
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual(unauthenticated);
  });

  it('answers 403 forbidden to a role the route does not allow', async () => {
    const response = await app.fetch(staffProbePaths.doctorsOnly, bearer(await tokenFor('scheduler.core')));
    expect(response.status).toBe(403);
    expect(await readJson(response)).toEqual({ error: { code: 'forbidden', message: '当前账号的角色无权执行此操作，如需权限请联系管理员' } });
  });
});

describe('seedDemoStaff and what is stored', () => {
  it('seeds one account per role, idempotently', async () => {
    const before = await app.connection.db!.collection('staff_accounts').find({}).sort({ _id: 1 }).toArray();
    const seeded = await app.auth.seedDemoStaff();
    const after = await app.connection.db!.collection('staff_accounts').find({}).sort({ _id: 1 }).toArray();
    expect(after).toEqual(before);
    expect(seeded.map((account) => [account.username, account.role, account.institutionId, account.totpSecret ?? null])).toEqual([
      ['scheduler.core', 'scheduler', 'org-core', null],
      ['doctor.core', 'doctor', 'org-core', null],
      ['nurse.core', 'followup_nurse', 'org-core', null],
      ['experience.core', 'experience_officer', 'org-core', null],
      ['quality.core', 'quality_manager', 'org-core', null],
      ['referral.east', 'referral_coordinator', 'org-chc-east', null],
      ['admin.core', 'institution_admin', 'org-core', ADMIN_CORE_SECRET],
      ['admin.alliance', 'alliance_admin', 'alliance', ADMIN_ALLIANCE_SECRET],
    ]);
  });

  it('never shows or stores the password, the hash or the TOTP secret in the clear', async () => {
    const responses: string[] = [];
    const record = async (response: Response) => responses.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    await record(await login({ username: 'admin.core', password: demoStaffPassword }));
    await record(await login({ username: 'admin.core', password: demoStaffPassword, totp: codeFor(ADMIN_CORE_SECRET) }));
    await record(await login({ username: 'doctor.core', password: 'wrong' }));
    const token = await tokenFor('referral.east');
    await record(await app.fetch(api(StaffAuthPaths.me), bearer(token)));

    const db = app.connection.db!;
    const accounts = await db.collection('staff_accounts').find({}).toArray();
    const stored = JSON.stringify(await Promise.all(['staff_accounts', 'staff_sessions', 'staff_login_failures'].map((name) => db.collection(name).find({}).toArray())));
    const admin = accounts.find((account) => account.username === 'admin.core');
    expect(admin?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expect(admin?.totpSecretEnc).toMatch(/^v1\./);

    const everything = [...responses, stored, JSON.stringify(app.logs)].join('\n');
    for (const secret of [demoStaffPassword, ADMIN_CORE_SECRET, ADMIN_ALLIANCE_SECRET]) expect(everything).not.toContain(secret);
    const shown = [...responses, JSON.stringify(app.logs)].join('\n');
    expect(shown).not.toContain('$argon2');
    expect(shown).not.toContain('passwordHash');
    expect(shown).not.toContain('totpSecret');
    expect(shown).not.toContain(String(admin?.totpSecretEnc));
  });
});
