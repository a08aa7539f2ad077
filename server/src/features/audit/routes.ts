import { Router } from '@koa/router';
import { AuditPaths, AuditQuerySchema } from '@careloop/shared/contracts/audit';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import type { AppMiddleware, AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { staffOf } from '../staff-auth/require-staff.js';
import { presentAuditPage } from './presenter.js';
import type { AuditService } from './service.js';

const list = { query: AuditQuerySchema };

/** Roles that read the audit log (the service narrows an institution admin to their institution). */
const auditReaders: readonly StaffRole[] = ['institution_admin', 'alliance_admin'];

/** The audit log for admins, relative to `/api/v1`: `GET /staff/audit` (filters, cursor pages). */
export function auditRoutes(audit: AuditService, requireStaff: (roles?: readonly StaffRole[]) => AppMiddleware): Router<AppState> {
  const router = new Router<AppState>();

  router.get(AuditPaths.list, requireStaff(auditReaders), validate(list), async (ctx) => {
    const { query } = inputOf(ctx, list);
    const staff = staffOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentAuditPage(await audit.list({ role: staff.role, institutionId: staff.institutionId }, query));
  });

  return router;
}
