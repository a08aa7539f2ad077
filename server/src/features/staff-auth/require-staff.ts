import type { StaffRole } from '@careloop/shared/contracts/staff';
import type { AppContext, AppMiddleware } from '../../http/state.js';
import { StaffForbiddenError, StaffUnauthenticatedError } from './errors.js';
import type { AuthenticatedStaff, StaffAuthService } from './service.js';

/** What `requireStaff` adds to `ctx.state`. */
export interface StaffState {
  staff: AuthenticatedStaff;
}

/**
 * Koa middleware guarding a staff route: a `Bearer` staff token (valid signature, not expired,
 * `typ: 'staff'`, session not revoked) → `ctx.state.staff`; otherwise 401 `unauthenticated`.
 * With `roles`, any other role gets 403 `forbidden`.
 */
export function requireStaffMiddleware(service: StaffAuthService, roles?: readonly StaffRole[]): AppMiddleware {
  return async (ctx, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(ctx.get('Authorization'));
    if (!match?.[1]) throw new StaffUnauthenticatedError();
    const staff = await service.authenticate(match[1]);
    if (roles && !roles.includes(staff.role)) throw new StaffForbiddenError();
    (ctx.state as AppContext['state'] & Partial<StaffState>).staff = staff;
    ctx.state.log = ctx.state.log.child({ staffId: staff.id });
    await next();
  };
}

/** The staff member `requireStaff` authenticated; a 401 if the route forgot the guard. */
export function staffOf(ctx: AppContext): AuthenticatedStaff {
  const staff = (ctx.state as AppContext['state'] & Partial<StaffState>).staff;
  if (!staff) throw new StaffUnauthenticatedError();
  return staff;
}
