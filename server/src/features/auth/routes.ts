import { Router } from '@koa/router';
import {
  AuthPaths,
  RefreshRequestSchema,
  UpdateAccountRequestSchema,
  WechatLoginRequestSchema,
  WechatPhoneRequestSchema,
} from '@careloop/shared';
import { patientOf, requirePatient } from '../../http/auth.js';
import type { AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { presentAccountResponse, presentAuthConfig, presentPhoneBinding, presentSignedIn } from './presenter.js';
import type { AuthService } from './service.js';

const login = { body: WechatLoginRequestSchema };
const phone = { body: WechatPhoneRequestSchema };
const refresh = { body: RefreshRequestSchema };
const update = { body: UpdateAccountRequestSchema };
const noInput = {};

/** What the auth routes need besides the service. */
export interface AuthRoutesOptions {
  /** Access-token secret and clock for `requirePatient()`. */
  jwtSecret: string;
  now: () => Date;
}

/**
 * Patient sign-in endpoints (paths relative to `/api/v1`, as `AuthPaths`): WeChat login,
 * refresh, logout, phone binding, the account's settings, and whether the sandbox is on.
 */
export function authRoutes(auth: AuthService, options: AuthRoutesOptions): Router<AppState> {
  const router = new Router<AppState>();
  const patient = requirePatient({ secret: options.jwtSecret, now: options.now });

  router.get(AuthPaths.config, validate(noInput), (ctx) => {
    ctx.body = presentAuthConfig(auth.sandbox);
  });

  router.post(AuthPaths.wechatLogin, validate(login), async (ctx) => {
    const { body } = inputOf(ctx, login);
    ctx.body = presentSignedIn(await auth.loginWithWechat(body.code));
  });

  router.post(AuthPaths.refresh, validate(refresh), async (ctx) => {
    const { body } = inputOf(ctx, refresh);
    ctx.body = presentSignedIn(await auth.refresh(body.refreshToken));
  });

  router.post(AuthPaths.logout, validate(refresh), async (ctx) => {
    const { body } = inputOf(ctx, refresh);
    await auth.logout(body.refreshToken);
    ctx.status = 204;
  });

  router.get(AuthPaths.me, patient, validate(noInput), async (ctx) => {
    ctx.body = presentAccountResponse(await auth.getAccount(patientOf(ctx).id));
  });

  router.patch(AuthPaths.me, patient, validate(update), async (ctx) => {
    const { body } = inputOf(ctx, update);
    ctx.body = presentAccountResponse(await auth.updateAccount(patientOf(ctx).id, body));
  });

  router.post(AuthPaths.wechatPhone, patient, validate(phone), async (ctx) => {
    const { body } = inputOf(ctx, phone);
    ctx.body = presentPhoneBinding(await auth.bindPhone(patientOf(ctx).id, body.code));
  });

  return router;
}
