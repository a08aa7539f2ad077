import { Router } from '@koa/router';
import { ReconciliationQuerySchema } from '@careloop/shared/contracts/reconciliation';
import {
  SessionPlacesAddSchema,
  SessionQuotaUpdateSchema,
  SessionStopSchema,
  StaffAppointmentCreateSchema,
  StaffSessionListQuerySchema,
} from '@careloop/shared/contracts/sessions';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import { z } from 'zod';
import type { AppMiddleware, AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { staffOf } from '../staff-auth/index.js';
import type { BookingService } from './index.js';
import { presentStaffAppointment, priorityBookers } from './staff-booking.js';

const list = { query: StaffSessionListQuerySchema };
const quota = { params: z.object({ id: z.string().min(1).max(200) }), body: SessionQuotaUpdateSchema };
const stop = { params: quota.params, body: SessionStopSchema };
const places = { params: quota.params, body: SessionPlacesAddSchema };
const reconciliation = { query: ReconciliationQuerySchema };
const priority = { body: StaffAppointmentCreateSchema };

/** Roles that manage a session's places (号源管理). */
const schedulers: readonly StaffRole[] = ['scheduler', 'institution_admin', 'alliance_admin'];
/** Roles that read the payment reconciliation. */
const finance: readonly StaffRole[] = ['institution_admin', 'alliance_admin'];

/**
 * Staff booking routes relative to `/api/v1` (`SessionPaths`, `ReconciliationPaths`), behind the
 * staff sign-in (`requireStaff(roles)`: 401 without a staff token, 403 for other roles); every
 * service call is scoped to the staff member's institution.
 */
export function bookingStaffRoutes(booking: BookingService, requireStaff: (roles?: readonly StaffRole[]) => AppMiddleware): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/staff/sessions', requireStaff(schedulers), validate(list), async (ctx) => {
    const { query } = inputOf(ctx, list);
    ctx.body = { items: await booking.sessions.list(staffOf(ctx), query.doctorId, query.date) };
  });

  router.put('/staff/sessions/:id/quota', requireStaff(schedulers), validate(quota), async (ctx) => {
    const { params, body } = inputOf(ctx, quota);
    ctx.body = await booking.sessions.setQuota(staffOf(ctx), params.id, body);
  });

  router.post('/staff/sessions/:id/stop', requireStaff(schedulers), validate(stop), async (ctx) => {
    const { params, body } = inputOf(ctx, stop);
    ctx.body = await booking.sessions.stop(staffOf(ctx), params.id, body.reason);
  });

  router.post('/staff/sessions/:id/places', requireStaff(schedulers), validate(places), async (ctx) => {
    const { params, body } = inputOf(ctx, places);
    ctx.body = await booking.sessions.addPlaces(staffOf(ctx), params.id, body);
  });

  router.post('/staff/appointments', requireStaff(priorityBookers), validate(priority), async (ctx) => {
    const { body } = inputOf(ctx, priority);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = presentStaffAppointment(await booking.staffBooking.book(staffOf(ctx), body, ctx.state.requestId));
  });

  router.get('/staff/reconciliation', requireStaff(finance), validate(reconciliation), async (ctx) => {
    const { query } = inputOf(ctx, reconciliation);
    ctx.body = await booking.reconciliation.report(staffOf(ctx), query.date);
  });

  return router;
}
