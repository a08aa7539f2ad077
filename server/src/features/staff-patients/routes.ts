import { Router } from '@koa/router';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import { z } from 'zod';
import type { AppMiddleware, AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { staffOf } from '../staff-auth/require-staff.js';
import { exportFileName, presentStaffPatient, presentStaffPatientExport } from './presenter.js';
import type { StaffPatientsService } from './service.js';

const byId = { params: z.object({ id: z.string().min(1).max(64) }) };

/**
 * A patient's data for staff, relative to `/api/v1`: the record and the export. Any signed-in
 * staff member may ask; the patient-access policy in the service decides (and audits) each call.
 */
export function staffPatientRoutes(
  service: StaffPatientsService,
  requireStaff: (roles?: readonly StaffRole[]) => AppMiddleware,
): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/staff/patients/:id', requireStaff(), validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentStaffPatient(await service.get(staffOf(ctx), params.id, ctx.state.requestId));
  });

  router.get('/staff/patients/:id/export', requireStaff(), validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    const exported = await service.exportPatient(staffOf(ctx), params.id, ctx.state.requestId);
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Disposition', `attachment; filename="${exportFileName(exported)}"`);
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = JSON.stringify(presentStaffPatientExport(exported), null, 2);
  });

  return router;
}
