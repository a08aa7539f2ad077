import { Router } from '@koa/router';
import { StaffLoginRequestSchema, type StaffRole } from '@careloop/shared/contracts/staff';
import type { AppMiddleware, AppState } from '../../http/state.js';
import { inputOf, NoQuerySchema, validate } from '../../http/validate.js';
import { presentStaffLogin, presentStaffMe } from './presenter.js';
import { staffOf } from './require-staff.js';
import type { StaffAuthService } from './service.js';

const login = { body: StaffLoginRequestSchema, query: NoQuerySchema };
const noInput = { query: NoQuerySchema };

/**
 * Staff auth endpoints (paths relative to `/api/v1`, as `StaffAuthPaths`): login, logout, me.
 * Tokens and profiles are never cached.
 */
export function staffAuthRoutes(service: StaffAuthService, requireStaff: (roles?: readonly StaffRole[]) => AppMiddleware): Router<AppState> {
  const router = new Router<AppState>();

  router.post('/staff/auth/login', validate(login), async (ctx) => {
    const { body } = inputOf(ctx, login);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentStaffLogin(await service.login(body));
  });

  router.post('/staff/auth/logout', requireStaff(), validate(noInput), async (ctx) => {
    await service.logout(staffOf(ctx).sessionId);
    ctx.status = 204;
  });

  router.get('/staff/auth/me', requireStaff(), validate(noInput), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentStaffMe(await service.getAccount(staffOf(ctx).id));
  });

  return router;
}
