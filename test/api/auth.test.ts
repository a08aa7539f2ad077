import jwt from 'jsonwebtoken';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { FieldCrypto } from '../../server/src/crypto/field-crypto.js';
import { sandboxOpenid, startWechatSandbox, type RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson, startTestApp, testClock, testFieldEncryptionKey, testJwtSecret, type TestApp, type TestClock } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// Patient sign-in end to end: the real app on the embedded database, the real WeChat client
// against the WeChat sandbox (and, for WeChat's failures, msw at the HTTP boundary).

/** Wednesday 25 Nov 2026, 09:10 in Shanghai. */
const NOW = new Date('2026-11-25T09:10:00+08:00');
const NOW_ISO = '2026-11-25T01:10:00.000Z';
const NOW_SECONDS = NOW.getTime() / 1000;
const DAY = 86_400_000;

let mongo: TestMongo;
let clock: TestClock;

beforeAll(async () => {
  mongo = await useTestMongo();
  clock = testClock(NOW);
});

afterAll(async () => {
  await mongo?.stop();
});

const json = (body: unknown, token?: string, method = 'POST'): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});
const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });

const messages = {
  login: '请先登录',
  expired: '登录已过期，请重新登录',
  invalidCode: '微信登录凭证无效或已过期，请重新登录',
  wechatDown: '微信服务暂时无法访问，请稍后再试',
  reused: '登录凭证已被使用，为保护账户安全已退出所有相关登录，请重新登录',
  revoked: '您已退出登录，请重新登录',
};

describe('against the WeChat sandbox', () => {
  let sandbox: RunningWechatSandbox;
  let app: TestApp;

  beforeAll(async () => {
    sandbox = await startWechatSandbox({ now: () => clock.now() });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  beforeEach(async () => {
    clock.set(NOW);
    app = await startTestApp({ mongoUri: mongo.uri, clock, wechat: { baseUrl: sandbox.baseUrl } });
  });
  afterEach(async () => {
    await app?.close();
  });

  const login = async (code: string) => {
    const response = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, json({ code }));
    expect(response.status).toBe(200);
    return readJson(response);
  };
  const refresh = (refreshToken: string) => app.fetch(`/api/v1${AuthPaths.refresh}`, json({ refreshToken }));
  const me = (token: string) => app.fetch(`/api/v1${AuthPaths.me}`, bearer(token));
  const rawAccounts = () => app.connection.db!.collection('accounts').find().toArray();
  const rawTokens = () => app.connection.db!.collection('refresh_tokens').find().toArray();

  it('says sign-in runs in sandbox mode', async () => {
    const response = await app.fetch(`/api/v1${AuthPaths.config}`);
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({ sandbox: true });
  });

  it('creates an account on the first login, finds the same one for the same identity, another for bob', async () => {
    const first = await login('sandbox:alice');
    expect(Object.keys(first).sort()).toEqual(['accessToken', 'account', 'refreshToken']);
    expect(first.account).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), largeText: false, createdAt: NOW_ISO });
    expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwt.verify(first.accessToken, testJwtSecret, { clockTimestamp: NOW_SECONDS })).toEqual({
      typ: 'patient',
      sub: first.account.id,
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 900,
    });
    expect(jwt.decode(first.accessToken, { complete: true })?.header).toEqual({ alg: 'HS256', typ: 'JWT' });

    clock.advance(60_000);
    const again = await login('sandbox:alice');
    expect(again.account).toEqual(first.account);
    expect(again.refreshToken).not.toBe(first.refreshToken);

    const bob = await login('sandbox:bob');
    expect(bob.account.id).not.toBe(first.account.id);

    const accounts = await rawAccounts();
    expect(accounts.map((account) => [String(account._id), account.openid]).sort()).toEqual(
      [
        [first.account.id, sandboxOpenid('alice')],
        [bob.account.id, sandboxOpenid('bob')],
      ].sort(),
    );
    expect(sandboxOpenid('alice')).toBe(sandboxOpenid('alice'));
    expect(sandboxOpenid('alice')).toMatch(/^o[A-Za-z0-9_-]{27}$/);
  });

  it('refuses a code WeChat does not know with 401 invalid_wechat_code, and a missing code with 400', async () => {
    const response = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, json({ code: 'not-a-sandbox-code' }));
    expect(response.status).toBe(401);
    expect(await readJson(response)).toEqual({ error: { code: 'invalid_wechat_code', message: messages.invalidCode } });

    const missing = await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, json({}));
    expect(missing.status).toBe(400);
    expect((await readJson(missing)).error).toMatchObject({
      code: 'invalid_request',
      details: [{ path: 'body.code', code: 'invalid_type', message: expect.any(String) }],
    });
    expect(await rawAccounts()).toEqual([]);
  });

  it('rotates refresh tokens; replaying a spent one is 401 refresh_token_reused and revokes the whole family', async () => {
    const signedIn = await login('sandbox:alice');
    clock.advance(60_000);
    const response = await refresh(signedIn.refreshToken);
    expect(response.status).toBe(200);
    const rotated = await readJson(response);
    expect(rotated.account).toEqual(signedIn.account);
    expect(rotated.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.refreshToken).not.toBe(signedIn.refreshToken);
    expect(rotated.accessToken).not.toBe(signedIn.accessToken);
    expect(jwt.decode(rotated.accessToken)).toMatchObject({ sub: signedIn.account.id, iat: NOW_SECONDS + 60 });
    expect((await me(rotated.accessToken)).status).toBe(200);

    const replay = await refresh(signedIn.refreshToken);
    expect(replay.status).toBe(401);
    expect(await readJson(replay)).toEqual({ error: { code: 'refresh_token_reused', message: messages.reused } });

    const afterReplay = await refresh(rotated.refreshToken);
    expect(afterReplay.status).toBe(401);
    expect(await readJson(afterReplay)).toEqual({ error: { code: 'refresh_token_revoked', message: messages.revoked } });

    const tokens = await rawTokens();
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens.map((token) => token.family)).size).toBe(1);
    expect(tokens.map((token) => token.revokedAt?.toISOString())).toEqual([
      new Date(NOW.getTime() + 60_000).toISOString(),
      new Date(NOW.getTime() + 60_000).toISOString(),
    ]);
  });

  it('keeps other sign-ins of the same account when one family is revoked', async () => {
    const phone = await login('sandbox:alice');
    const tablet = await login('sandbox:alice');
    const rotated = await readJson(await refresh(phone.refreshToken));
    expect((await refresh(phone.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.refreshToken)).status).toBe(401);
    expect((await refresh(tablet.refreshToken)).status).toBe(200);
  });

  it('refuses an expired refresh token (30 days) and an unknown one', async () => {
    const signedIn = await login('sandbox:alice');
    clock.advance(30 * DAY);
    const expired = await refresh(signedIn.refreshToken);
    expect(expired.status).toBe(401);
    expect(await readJson(expired)).toEqual({ error: { code: 'refresh_token_expired', message: messages.expired } });

    const unknown = await refresh('x'.repeat(43));
    expect(unknown.status).toBe(401);
    expect(await readJson(unknown)).toEqual({ error: { code: 'invalid_refresh_token', message: '登录凭证无效，请重新登录' } });
  });

  it('logout revokes the sign-in (204, idempotent)', async () => {
    const signedIn = await login('sandbox:alice');
    const logout = () => app.fetch(`/api/v1${AuthPaths.logout}`, json({ refreshToken: signedIn.refreshToken }));
    const first = await logout();
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    expect((await logout()).status).toBe(204);

    const after = await refresh(signedIn.refreshToken);
    expect(after.status).toBe(401);
    expect(await readJson(after)).toEqual({ error: { code: 'refresh_token_revoked', message: messages.revoked } });
  });

  it('GET /auth/me needs a valid access token: missing, expired, tampered, foreign and none-signed tokens are 401', async () => {
    const signedIn = await login('sandbox:alice');
    const ok = await me(signedIn.accessToken);
    expect(ok.status).toBe(200);
    expect(await readJson(ok)).toEqual({ account: signedIn.account });

    const unauthenticated = (reason: string) => ({
      error: { code: 'unauthenticated', message: reason === 'expired' ? messages.expired : messages.login, details: { reason } },
    });

    const missing = await app.fetch(`/api/v1${AuthPaths.me}`);
    expect(missing.status).toBe(401);
    expect(await readJson(missing)).toEqual(unauthenticated('missing'));

    const pastExp = jwt.sign({ typ: 'patient', iat: NOW_SECONDS - 1000, exp: NOW_SECONDS - 100 }, testJwtSecret, {
      algorithm: 'HS256',
      subject: signedIn.account.id,
    });
    const expired = await me(pastExp);
    expect(expired.status).toBe(401);
    expect(await readJson(expired)).toEqual(unauthenticated('expired'));

    const [header, payload, signature] = signedIn.accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...(jwt.decode(signedIn.accessToken) as object), sub: '000000000000000000000000' })).toString('base64url');
    for (const token of [
      `${header}.${forged}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}AA`,
      jwt.sign({ typ: 'patient' }, 'some-other-secret-some-other-secret', { subject: signedIn.account.id, expiresIn: 900 }),
      jwt.sign({ typ: 'staff', iat: NOW_SECONDS }, testJwtSecret, { subject: signedIn.account.id, expiresIn: 900 }),
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
    ]) {
      const response = await me(token);
      expect(response.status).toBe(401);
      expect(await readJson(response)).toEqual(unauthenticated('invalid'));
    }

    // The token's own lifetime: 15 minutes on the app's clock.
    clock.advance(900_000);
    expect(await readJson(await me(signedIn.accessToken))).toEqual(unauthenticated('expired'));
  });

  it('PATCH /auth/me stores large-text mode and the nickname on the account', async () => {
    const signedIn = await login('sandbox:alice');
    const patch = (body: unknown) => app.fetch(`/api/v1${AuthPaths.me}`, json(body, signedIn.accessToken, 'PATCH'));
    const response = await patch({ largeText: true, nickname: ' 张阿姨 ' });
    expect(response.status).toBe(200);
    const expected = { ...signedIn.account, largeText: true, nickname: '张阿姨' };
    expect(await readJson(response)).toEqual({ account: expected });
    expect(await readJson(await me(signedIn.accessToken))).toEqual({ account: expected });
    // The setting follows the account to the next sign-in.
    expect((await login('sandbox:alice')).account).toEqual(expected);

    expect(await readJson(await patch({ largeText: false }))).toEqual({ account: { ...expected, largeText: false } });
    const empty = await patch({});
    expect(empty.status).toBe(400);
    expect((await readJson(empty)).error.code).toBe('invalid_request');
    const unknown = await patch({ openid: 'x' });
    expect((await readJson(unknown)).error.details).toEqual([
      { path: 'body.openid', code: 'unrecognized_keys', message: 'unknown parameter "openid"' },
      { path: 'body', code: 'custom', message: 'largeText or nickname is required' },
    ]);
    expect((await app.fetch(`/api/v1${AuthPaths.me}`, json({ largeText: true }, undefined, 'PATCH'))).status).toBe(401);
  });

  it('binds the phone: answers it masked, stores it only encrypted, and never stores session_key in plaintext', async () => {
    const signedIn = await login('sandbox:alice');
    const bind = (code: string, token: string | null = signedIn.accessToken) =>
      app.fetch(`/api/v1${AuthPaths.wechatPhone}`, json({ code }, token ?? undefined));

    const response = await bind('sandbox-phone:13812345678');
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({ phoneMasked: '138****5678' });
    expect(await readJson(await me(signedIn.accessToken))).toEqual({ account: { ...signedIn.account, phoneMasked: '138****5678' } });

    const sessionKey = sandbox.sessionKeyOf(sandboxOpenid('alice'));
    expect(sessionKey).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const [account] = await rawAccounts();
    const everything = JSON.stringify([await rawAccounts(), await rawTokens()]);
    for (const secret of ['13812345678', '12345678', sessionKey!, signedIn.refreshToken, signedIn.accessToken]) {
      expect(everything).not.toContain(secret);
    }
    // Encrypted, not dropped: the stored values decrypt with the app's key and their context only.
    const crypto = new FieldCrypto(Buffer.from(testFieldEncryptionKey, 'base64'));
    expect(crypto.decrypt(account!.phoneEnc, 'account.phone')).toBe('13812345678');
    expect(crypto.decrypt(account!.sessionKeyEnc, 'account.sessionKey')).toBe(sessionKey);
    expect(() => crypto.decrypt(account!.phoneEnc, 'account.sessionKey')).toThrow();
    expect(account!.phoneIndex).toBe(crypto.blindIndex('13812345678', 'account.phone'));

    const invalid = await bind('13812345678');
    expect(invalid.status).toBe(400);
    expect(await readJson(invalid)).toEqual({ error: { code: 'invalid_phone_code', message: '手机号授权凭证无效或已过期，请重新点击授权' } });
    expect((await bind('sandbox-phone:13812345678', null)).status).toBe(401);

    // A new phone replaces the old one.
    expect(await readJson(await bind('sandbox-phone:13998765432'))).toEqual({ phoneMasked: '139****5432' });
  });

  it('never logs session_key, tokens, the phone or the AppSecret', async () => {
    const signedIn = await login('sandbox:alice');
    const rotated = await readJson(await refresh(signedIn.refreshToken));
    await refresh(signedIn.refreshToken);
    await app.fetch(`/api/v1${AuthPaths.wechatPhone}`, json({ code: 'sandbox-phone:13812345678' }, rotated.accessToken));
    await app.fetch(`/api/v1${AuthPaths.wechatLogin}`, json({ code: 'wrong' }));
    await me('garbage');
    await app.fetch(`/api/v1${AuthPaths.logout}`, json({ refreshToken: rotated.refreshToken }));

    const logged = JSON.stringify(app.logs);
    expect(app.logs.some((line) => line.msg === 'patient signed in with WeChat' && line.accountId === signedIn.account.id)).toBe(true);
    for (const secret of [
      sandbox.sessionKeyOf(sandboxOpenid('alice'))!,
      sandbox.secret,
      sandboxOpenid('alice'),
      signedIn.accessToken,
      signedIn.refreshToken,
      rotated.accessToken,
      rotated.refreshToken,
      '13812345678',
      '12345678',
    ]) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('WeChat failures at the HTTP boundary (msw)', () => {
  const WECHAT = 'https://api.weixin.test';
  const APPID = 'wx0123456789abcdef';
  const SECRET = 'msw-app-secret-never-logged';
  const wechat = setupServer();
  const requests: string[] = [];
  let app: TestApp;

  beforeAll(() => {
    wechat.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      if (url.origin === WECHAT) requests.push(`${request.method} ${url.pathname}${url.search}`);
    });
    wechat.listen({ onUnhandledRequest: 'error' });
  });
  afterAll(() => wechat.close());
  beforeEach(async () => {
    clock.set(NOW);
    requests.length = 0;
    app = await startTestApp({
      mongoUri: mongo.uri,
      clock,
      wechat: { baseUrl: WECHAT, appid: APPID, secret: SECRET, timeoutMs: 200, sandbox: false },
    });
  });
  afterEach(async () => {
    wechat.resetHandlers();
    await app?.close();
  });

  // Requests to the app itself are ours, not WeChat's.
  const appPassthrough = http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough());
  const code2Session = (reply: Parameters<typeof http.get>[1]) => wechat.use(appPassthrough, http.get(`${WECHAT}/sns/jscode2session`, reply));
  const login = (code = 'wx-code-1') => app.fetch(`/api/v1${AuthPaths.wechatLogin}`, json({ code }));
  const loginUrl = (code = 'wx-code-1') => `GET /sns/jscode2session?appid=${APPID}&secret=${SECRET}&js_code=${code}&grant_type=authorization_code`;

  it('says sign-in is not in sandbox mode', async () => {
    wechat.use(appPassthrough);
    expect(await readJson(await app.fetch(`/api/v1${AuthPaths.config}`))).toEqual({ sandbox: false });
  });

  it('sends code2Session exactly as WeChat documents it and stores the unionid it returns', async () => {
    code2Session(() => HttpResponse.json({ openid: 'oReal0000000000000000000001', session_key: 'c2Vzc2lvbi1rZXktMTIzNA==', unionid: 'uUnion001' }));
    const response = await login();
    expect(response.status).toBe(200);
    expect(requests).toEqual([loginUrl()]);
    const [account] = await app.connection.db!.collection('accounts').find().toArray();
    expect(account).toMatchObject({ openid: 'oReal0000000000000000000001', unionid: 'uUnion001', largeText: false });
    expect(JSON.stringify(account)).not.toContain('c2Vzc2lvbi1rZXktMTIzNA==');
  });

  it('maps errcode 40029 and 40163 (used code) to 401 invalid_wechat_code', async () => {
    for (const errcode of [40029, 40163]) {
      code2Session(() => HttpResponse.json({ errcode, errmsg: 'invalid code, rid: 1' }));
      const response = await login();
      expect(response.status).toBe(401);
      expect(await readJson(response)).toEqual({ error: { code: 'invalid_wechat_code', message: messages.invalidCode } });
    }
  });

  it('maps WeChat errors, HTTP errors and garbage to 502 wechat_unavailable, without logging the secret', async () => {
    const replies = [
      () => HttpResponse.json({ errcode: -1, errmsg: 'system error' }),
      () => HttpResponse.json({ errcode: 45011, errmsg: 'api minute-quota reach limit' }),
      () => new HttpResponse('busy', { status: 503 }),
      () => new HttpResponse('<html>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
      () => HttpResponse.json({ session_key: 'no-openid' }),
      () => HttpResponse.error(),
    ];
    for (const reply of replies) {
      code2Session(reply);
      const response = await login();
      expect(response.status).toBe(502);
      expect(await readJson(response)).toEqual({ error: { code: 'wechat_unavailable', message: messages.wechatDown } });
    }
    expect(requests).toHaveLength(replies.length);
    const logged = JSON.stringify(app.logs);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain('wx-code-1');
  });

  it('times out a slow code2Session with 502 and never retries it (codes are single-use)', async () => {
    code2Session(async () => {
      await delay(2_000);
      return HttpResponse.json({ openid: 'late', session_key: 'late' });
    });
    const started = Date.now();
    const response = await login();
    expect(response.status).toBe(502);
    expect(await readJson(response)).toEqual({ error: { code: 'wechat_unavailable', message: messages.wechatDown } });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(requests).toEqual([loginUrl()]);
  });

  it('gets the phone with a cached access token, fetches a new one when WeChat says it is stale, maps phone errors', async () => {
    let tokens = 0;
    const phoneCodes: unknown[] = [];
    const staleTokens = new Set<string>();
    wechat.use(
      appPassthrough,
      http.get(`${WECHAT}/sns/jscode2session`, () => HttpResponse.json({ openid: 'oReal0000000000000000000001', session_key: 'a2V5' })),
      http.get(`${WECHAT}/cgi-bin/token`, () => {
        tokens += 1;
        return HttpResponse.json({ access_token: `token-${tokens}`, expires_in: 7200 });
      }),
      http.post(`${WECHAT}/wxa/business/getuserphonenumber`, async ({ request }) => {
        const token = new URL(request.url).searchParams.get('access_token') ?? '';
        if (staleTokens.has(token)) return HttpResponse.json({ errcode: 40001, errmsg: 'invalid credential' });
        const body = (await request.json()) as { code: string };
        phoneCodes.push(body);
        if (body.code === 'busy') return HttpResponse.json({ errcode: -1, errmsg: 'system error' });
        if (body.code === 'bad') return HttpResponse.json({ errcode: 40029, errmsg: 'invalid code' });
        return HttpResponse.json({
          errcode: 0,
          errmsg: 'ok',
          phone_info: { phoneNumber: '13812345678', purePhoneNumber: '13812345678', countryCode: 86, watermark: { timestamp: NOW_SECONDS, appid: APPID } },
        });
      }),
    );
    const signedIn = await readJson(await login());
    const bind = (code: string) => app.fetch(`/api/v1${AuthPaths.wechatPhone}`, json({ code }, signedIn.accessToken));

    expect(await readJson(await bind('p1'))).toEqual({ phoneMasked: '138****5678' });
    expect(await readJson(await bind('p2'))).toEqual({ phoneMasked: '138****5678' });
    expect(tokens).toBe(1);
    expect(requests.filter((request) => request.startsWith('GET /cgi-bin/token'))).toEqual([
      `GET /cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`,
    ]);
    expect(requests).toContain('POST /wxa/business/getuserphonenumber?access_token=token-1');

    staleTokens.add('token-1');
    expect(await readJson(await bind('p3'))).toEqual({ phoneMasked: '138****5678' });
    expect(tokens).toBe(2);

    // Past the token's lifetime (less the early refresh), a new one is fetched.
    clock.advance(7_200_000);
    const relogin = await readJson(await login());
    expect((await app.fetch(`/api/v1${AuthPaths.wechatPhone}`, json({ code: 'p4' }, relogin.accessToken))).status).toBe(200);
    expect(tokens).toBe(3);
    expect(phoneCodes).toEqual([{ code: 'p1' }, { code: 'p2' }, { code: 'p3' }, { code: 'p4' }]);

    const busy = await app.fetch(`/api/v1${AuthPaths.wechatPhone}`, json({ code: 'busy' }, relogin.accessToken));
    expect(busy.status).toBe(502);
    expect((await readJson(busy)).error.code).toBe('wechat_unavailable');
    const bad = await app.fetch(`/api/v1${AuthPaths.wechatPhone}`, json({ code: 'bad' }, relogin.accessToken));
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.code).toBe('invalid_phone_code');
    expect(JSON.stringify(app.logs)).not.toContain('13812345678');
  });
});
