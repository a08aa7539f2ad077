import { TimeoutStrategy, timeout, type IPolicy, type IDefaultPolicyContext } from 'cockatiel';
import { WechatApiError } from './errors.js';

/**
 * The server side of WeChat sign-in: `code2Session` (login code → openid and session key) and
 * the phone number API (phone code → phone, with the app's `access_token`, cached until it
 * expires). Every call has a time-out and no retry: login and phone codes are single-use, so a
 * second attempt could only fail or, worse, race the first.
 */

/** What `jscode2session` returns on success. */
export interface WechatSession {
  openid: string;
  /** Decrypts the user's encrypted data; stays on the server, encrypted at rest. */
  sessionKey: string;
  unionid?: string;
}

/** A phone number from `getuserphonenumber`. */
export interface WechatPhone {
  /** With the country code for non-Chinese numbers. */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/** The WeChat port sign-in uses (the real client here; tests may point it at a sandbox or msw). */
export interface WechatAuthApi {
  code2Session(code: string): Promise<WechatSession>;
  getPhoneNumber(code: string): Promise<WechatPhone>;
}

/** A subscribe message to send (`/cgi-bin/message/subscribe/send`). */
export interface SubscribeMessage {
  openid: string;
  templateId: string;
  /** The mini-program page the message opens, e.g. `packages/booking/pages/detail/index?id=…`. */
  page: string;
  /** The template's fields, e.g. `{ thing1: '心血管内科 赵鹏' }` (sent as `{ thing1: { value } }`). */
  data: Record<string, string>;
  /** Which version of the mini-program the message opens (default `formal`). */
  miniprogramState?: 'developer' | 'trial' | 'formal';
}

/** The WeChat port patient messages use: one subscribe message per call. */
export interface WechatSubscribeApi {
  /** Sends it, or throws a `WechatApiError` (`refused`, `invalid_template`, `invalid_request`, `unavailable`). */
  sendSubscribeMessage(message: SubscribeMessage): Promise<void>;
}

/** Options of the WeChat client. */
export interface WechatClientOptions {
  /** e.g. `https://api.weixin.qq.com` (no trailing path). */
  baseUrl: string;
  appid: string;
  secret: string;
  /** Time-out of one call (default 5 s). */
  timeoutMs?: number;
  /** Clock for the access-token cache. */
  now?: () => Date;
  fetch?: typeof fetch;
}

/** errcodes meaning "this code is not (or no longer) valid": invalid code, code already used. */
const INVALID_CODE_ERRCODES = new Set([40029, 40163]);
/** Subscribe-message errcodes and what they mean for us. */
const SUBSCRIBE_ERRCODES: ReadonlyMap<number, 'refused' | 'invalid_template' | 'invalid_request'> = new Map([
  [43101, 'refused'], // user refused / no quota left for this template
  [40037, 'invalid_template'], // template_id is not ours
  [40003, 'invalid_request'], // touser is not an openid of our AppID
  [41030, 'invalid_request'], // page does not exist in the released mini-program
  [47003, 'invalid_request'], // data does not fit the template's fields
]);
/** errcodes meaning our cached access token is no longer valid. */
const STALE_TOKEN_ERRCODES = new Set([40001, 40014, 42001]);
/** Refresh the access token this long before WeChat says it expires. */
const TOKEN_EARLY_REFRESH_MS = 5 * 60_000;

/** The real WeChat API client (works the same against the embedded sandbox). */
export class WechatClient implements WechatAuthApi, WechatSubscribeApi {
  private readonly baseUrl: string;
  private readonly timeoutPolicy: IPolicy<IDefaultPolicyContext>;
  private readonly now: () => Date;
  private readonly fetchImpl: typeof fetch;
  private cachedToken: { value: string; refreshAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly options: WechatClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutPolicy = timeout(options.timeoutMs ?? 5_000, TimeoutStrategy.Aggressive);
    this.now = options.now ?? (() => new Date());
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** `GET /sns/jscode2session`: a `wx.login` code → openid, session key, unionid if any. */
  async code2Session(code: string): Promise<WechatSession> {
    const url = this.url('/sns/jscode2session', {
      appid: this.options.appid,
      secret: this.options.secret,
      js_code: code,
      grant_type: 'authorization_code',
    });
    const body = await this.call('code2Session', url, { method: 'GET' });
    this.throwOnErrcode('code2Session', body);
    const { openid, session_key: sessionKey, unionid } = body;
    if (typeof openid !== 'string' || openid === '' || typeof sessionKey !== 'string' || sessionKey === '') {
      throw new WechatApiError('unavailable', 'code2Session: answer without openid or session_key');
    }
    return { openid, sessionKey, ...(typeof unionid === 'string' && unionid !== '' ? { unionid } : {}) };
  }

  /**
   * `POST /wxa/business/getuserphonenumber`: a phone code → the phone. A stale cached access
   * token is dropped and fetched again once (the phone code was not consumed by that refusal).
   */
  async getPhoneNumber(code: string): Promise<WechatPhone> {
    for (let attempt = 0; ; attempt++) {
      const accessToken = await this.accessToken();
      const url = this.url('/wxa/business/getuserphonenumber', { access_token: accessToken });
      const body = await this.call('getPhoneNumber', url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      const errcode = errcodeOf(body);
      if (errcode !== 0 && STALE_TOKEN_ERRCODES.has(errcode) && attempt === 0) {
        if (this.cachedToken?.value === accessToken) this.cachedToken = undefined;
        continue;
      }
      this.throwOnErrcode('getPhoneNumber', body);
      const info = body.phone_info;
      if (typeof info !== 'object' || info === null) throw new WechatApiError('unavailable', 'getPhoneNumber: answer without phone_info');
      const { phoneNumber, purePhoneNumber, countryCode } = info as Record<string, unknown>;
      if (typeof phoneNumber !== 'string' || typeof purePhoneNumber !== 'string' || purePhoneNumber === '') {
        throw new WechatApiError('unavailable', 'getPhoneNumber: phone_info without a number');
      }
      return { phoneNumber, purePhoneNumber, countryCode: String(countryCode ?? '') };
    }
  }

  /**
   * `POST /cgi-bin/message/subscribe/send`: one subscribe message. A stale cached access token is
   * dropped and fetched again once (WeChat refused the call before sending anything). No other
   * retry: a message whose answer was lost may have been delivered.
   */
  async sendSubscribeMessage(message: SubscribeMessage): Promise<void> {
    const data = Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value }]));
    for (let attempt = 0; ; attempt++) {
      const accessToken = await this.accessToken();
      const url = this.url('/cgi-bin/message/subscribe/send', { access_token: accessToken });
      const body = await this.call('sendSubscribeMessage', url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          touser: message.openid,
          template_id: message.templateId,
          page: message.page,
          data,
          miniprogram_state: message.miniprogramState ?? 'formal',
          lang: 'zh_CN',
        }),
      });
      const errcode = errcodeOf(body);
      if (errcode === 0) return;
      if (STALE_TOKEN_ERRCODES.has(errcode) && attempt === 0) {
        if (this.cachedToken?.value === accessToken) this.cachedToken = undefined;
        continue;
      }
      // errmsg is not kept: it may echo the openid.
      throw new WechatApiError(SUBSCRIBE_ERRCODES.get(errcode) ?? 'unavailable', `sendSubscribeMessage: errcode ${errcode}`, errcode);
    }
  }

  /** The app's `access_token` (`GET /cgi-bin/token`), cached until shortly before it expires. */
  private async accessToken(): Promise<string> {
    const cached = this.cachedToken;
    if (cached && this.now().getTime() < cached.refreshAt) return cached.value;
    // Concurrent callers share one fetch: each fetch invalidates the previous token.
    this.pendingToken ??= this.fetchAccessToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchAccessToken(): Promise<string> {
    const url = this.url('/cgi-bin/token', {
      grant_type: 'client_credential',
      appid: this.options.appid,
      secret: this.options.secret,
    });
    const body = await this.call('getAccessToken', url, { method: 'GET' });
    if (errcodeOf(body) !== 0) {
      // A refused AppSecret is our problem, not the user's code: always "unavailable".
      throw new WechatApiError('unavailable', `getAccessToken: errcode ${errcodeOf(body)}`, errcodeOf(body));
    }
    const { access_token: value, expires_in: expiresIn } = body;
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || expiresIn <= 0) {
      throw new WechatApiError('unavailable', 'getAccessToken: answer without access_token or expires_in');
    }
    const refreshAt = this.now().getTime() + Math.max(expiresIn * 1000 - TOKEN_EARLY_REFRESH_MS, expiresIn * 500);
    this.cachedToken = { value, refreshAt };
    return value;
  }

  private url(path: string, query: Record<string, string>): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  /** One exchange under the time-out; a JSON object back or an `unavailable` error. */
  private async call(what: string, url: URL, init: RequestInit): Promise<Record<string, unknown>> {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.timeoutPolicy.execute(async ({ signal }) => {
        const response = await this.fetchImpl(url, { ...init, signal });
        return { status: response.status, text: await response.text() };
      }));
    } catch (cause) {
      throw new WechatApiError('unavailable', `${what}: no answer from WeChat`, undefined, { cause: sanitize(cause) });
    }
    if (status < 200 || status > 299) throw new WechatApiError('unavailable', `${what}: HTTP ${status}`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new WechatApiError('unavailable', `${what}: answer is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new WechatApiError('unavailable', `${what}: answer is not a JSON object`);
    }
    return value as Record<string, unknown>;
  }

  private throwOnErrcode(what: string, body: Record<string, unknown>): void {
    const errcode = errcodeOf(body);
    if (errcode === 0) return;
    // errmsg may echo the code (`invalid code, rid: …`); keep only the number.
    if (INVALID_CODE_ERRCODES.has(errcode)) throw new WechatApiError('invalid_code', `${what}: errcode ${errcode}`, errcode);
    throw new WechatApiError('unavailable', `${what}: errcode ${errcode}`, errcode);
  }
}

/** WeChat omits `errcode` on success or sends 0. */
function errcodeOf(body: Record<string, unknown>): number {
  const value = body.errcode;
  if (value === undefined || value === null) return 0;
  const number = Number(value);
  return Number.isFinite(number) ? number : -1;
}

/** A cause safe to log: its name and message only (a fetch error may hold the URL with the secret). */
function sanitize(cause: unknown): Error {
  if (!(cause instanceof Error)) return new Error(String(cause));
  const safe = new Error(cause.message.replace(/https?:\/\/\S+/g, '<url>'));
  safe.name = cause.name;
  return safe;
}
