import { createHash, randomBytes } from 'node:crypto';
import Koa from 'koa';
import { Router } from '@koa/router';
import type { Logger } from 'pino';

/**
 * The WeChat sandbox: the WeChat endpoints sign-in and patient messages use, with WeChat's
 * request and response shapes, so the real client runs unchanged against it. Demo identities are
 * codes `sandbox:<name>` (always the same openid for the same name); phone codes are
 * `sandbox-phone:<digits>`. Anything else is refused as WeChat refuses a bad code (40029).
 * Subscribe messages are recorded (tests read them with `subscribeMessages()`); a template can be
 * made to refuse (43101) or be unknown (40037) with `failSubscribe`.
 */

/** A subscribe message the sandbox accepted, as WeChat received it. */
export interface SandboxSubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  /** The fields' values (`{ thing1: { value } }` flattened to `{ thing1: value }`). */
  data: Record<string, string>;
  miniprogramState: string;
  sentAt: Date;
}

/** The AppID the sandbox accepts unless told otherwise. */
export const SANDBOX_APPID = 'wxsandbox0000careloop';
/** The AppSecret the sandbox accepts unless told otherwise (not a secret: a demo value). */
export const SANDBOX_SECRET = 'careloop-wechat-sandbox-secret';

/** Options of the sandbox app. */
export interface WechatSandboxOptions {
  appid?: string;
  secret?: string;
  now?: () => Date;
  logger?: Logger;
}

/** The sandbox app and what tests may look at. */
export interface WechatSandboxApp {
  app: Koa;
  /** The session key last issued to an openid (tests prove it never leaves the server). */
  sessionKeyOf(openid: string): string | undefined;
  /** Forgets issued access tokens (as if WeChat expired them all). */
  expireAccessTokens(): void;
  /** Subscribe messages accepted so far, oldest first. */
  subscribeMessages(): SandboxSubscribeMessage[];
  /** Makes sends of a template fail with a WeChat errcode (43101, 40037, …); `null` clears it. */
  failSubscribe(templateId: string, errcode: number | null): void;
  /** Forgets recorded messages and failures. */
  resetSubscribe(): void;
}

/** The openid a demo name maps to: stable across restarts, shaped like WeChat's 28 characters. */
export function sandboxOpenid(name: string): string {
  return `o${createHash('sha256').update(`careloop-sandbox:${name}`).digest('base64url').slice(0, 27)}`;
}

const ACCESS_TOKEN_TTL_SECONDS = 7200;

/** Builds the sandbox Koa app. */
export function createWechatSandboxApp(options: WechatSandboxOptions = {}): WechatSandboxApp {
  const appid = options.appid ?? SANDBOX_APPID;
  const secret = options.secret ?? SANDBOX_SECRET;
  const now = options.now ?? (() => new Date());
  const sessionKeys = new Map<string, string>();
  const accessTokens = new Map<string, number>();
  const subscribeMessages: SandboxSubscribeMessage[] = [];
  const subscribeFailures = new Map<string, number>();
  const router = new Router();
  const tokenValid = (token: unknown) => {
    const expiresAt = typeof token === 'string' ? accessTokens.get(token) : undefined;
    return expiresAt !== undefined && expiresAt > now().getTime();
  };

  const credentialsOk = (query: Record<string, unknown>) => query.appid === appid && query.secret === secret;

  router.get('/sns/jscode2session', (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    if (!credentialsOk(query)) {
      ctx.body = { errcode: 40125, errmsg: 'invalid appsecret' };
      return;
    }
    const code = typeof query.js_code === 'string' ? query.js_code : '';
    const name = /^sandbox:(.{1,64})$/.exec(code)?.[1];
    if (query.grant_type !== 'authorization_code' || name === undefined) {
      ctx.body = { errcode: 40029, errmsg: 'invalid code' };
      return;
    }
    const openid = sandboxOpenid(name);
    const sessionKey = randomBytes(16).toString('base64');
    sessionKeys.set(openid, sessionKey);
    ctx.body = { openid, session_key: sessionKey };
  });

  router.get('/cgi-bin/token', (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    if (query.grant_type !== 'client_credential') {
      ctx.body = { errcode: 40002, errmsg: 'invalid grant_type' };
      return;
    }
    if (!credentialsOk(query)) {
      ctx.body = { errcode: 40125, errmsg: 'invalid appsecret' };
      return;
    }
    const token = randomBytes(32).toString('base64url');
    accessTokens.set(token, now().getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000);
    ctx.body = { access_token: token, expires_in: ACCESS_TOKEN_TTL_SECONDS };
  });

  router.post('/wxa/business/getuserphonenumber', async (ctx) => {
    if (!tokenValid(ctx.query.access_token)) {
      ctx.body = { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
      return;
    }
    const body = await readJson(ctx.req);
    const code = typeof body?.code === 'string' ? body.code : '';
    const digits = /^sandbox-phone:(\d{5,15})$/.exec(code)?.[1];
    if (digits === undefined) {
      ctx.body = { errcode: 40029, errmsg: 'invalid code' };
      return;
    }
    ctx.body = {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: digits,
        purePhoneNumber: digits,
        countryCode: '86',
        watermark: { timestamp: Math.floor(now().getTime() / 1000), appid },
      },
    };
  });

  router.post('/cgi-bin/message/subscribe/send', async (ctx) => {
    if (!tokenValid(ctx.query.access_token)) {
      ctx.body = { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
      return;
    }
    const body = await readJson(ctx.req);
    const touser = typeof body?.touser === 'string' ? body.touser : '';
    const templateId = typeof body?.template_id === 'string' ? body.template_id : '';
    const rawData = body?.data;
    if (!/^o[A-Za-z0-9_-]{27}$/.test(touser)) {
      ctx.body = { errcode: 40003, errmsg: 'invalid openid' };
      return;
    }
    const data: Record<string, string> = {};
    const fieldsOk =
      typeof rawData === 'object' &&
      rawData !== null &&
      Object.entries(rawData as Record<string, unknown>).every(([key, field]) => {
        const value = (field as { value?: unknown } | null)?.value;
        if (!/^[a-z_]+\d+$/.test(key) || typeof value !== 'string' || value === '' || value.length > 32) return false;
        data[key] = value;
        return true;
      });
    if (templateId === '' || !fieldsOk || Object.keys(data).length === 0) {
      ctx.body = { errcode: 47003, errmsg: 'argument invalid!' };
      return;
    }
    const failure = subscribeFailures.get(templateId);
    if (failure !== undefined) {
      ctx.body = { errcode: failure, errmsg: failure === 43101 ? 'user refuse to accept the msg' : 'invalid template_id' };
      return;
    }
    subscribeMessages.push({
      touser,
      templateId,
      page: typeof body?.page === 'string' ? body.page : '',
      data,
      miniprogramState: typeof body?.miniprogram_state === 'string' ? body.miniprogram_state : 'formal',
      sentAt: now(),
    });
    ctx.body = { errcode: 0, errmsg: 'ok', msgid: 1_000_000 + subscribeMessages.length };
  });

  const app = new Koa();
  app.use(async (ctx, next) => {
    await next();
    // Never log queries here: they carry the AppSecret and the codes.
    options.logger?.debug({ method: ctx.method, path: ctx.path, status: ctx.status }, 'wechat sandbox request');
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return {
    app,
    sessionKeyOf: (openid) => sessionKeys.get(openid),
    expireAccessTokens: () => accessTokens.clear(),
    subscribeMessages: () => subscribeMessages.map((m) => ({ ...m, data: { ...m.data } })),
    failSubscribe: (templateId, errcode) => {
      if (errcode === null) subscribeFailures.delete(templateId);
      else subscribeFailures.set(templateId, errcode);
    },
    resetSubscribe: () => {
      subscribeMessages.length = 0;
      subscribeFailures.clear();
    },
  };
}

/** A small JSON body (WeChat's POST APIs take a few fields); undefined if unreadable. */
async function readJson(req: NodeJS.ReadableStream): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > 16_384) return undefined;
    chunks.push(buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
