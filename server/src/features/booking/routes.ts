import { Router } from '@koa/router';
import { DirectoryIdSchema } from '@careloop/shared';
import {
  AppointmentCancelSchema,
  AppointmentCreateSchema,
  AppointmentListQuerySchema,
  SlotListQuerySchema,
  WaitlistJoinSchema,
} from '@careloop/shared/contracts/appointments';
import { z } from 'zod';
import { patientOf, requirePatient } from '../../http/auth.js';
import type { AppContext, AppState } from '../../http/state.js';
import { inputOf, NoQuerySchema, validate } from '../../http/validate.js';
import type { WechatPayNotifyRequest } from '../../integrations/wechatpay/port.js';
import type { BookingService } from './index.js';
import { presentAppointment, presentAppointmentList, presentSlotList, presentWaitlistEntry } from './presenter.js';

const slots = { params: z.object({ id: DirectoryIdSchema }).strict(), query: SlotListQuerySchema };
const create = { body: AppointmentCreateSchema };
const list = { query: AppointmentListQuerySchema };
const byId = { params: z.object({ id: z.string() }), query: NoQuerySchema };
const cancel = { params: byId.params, body: AppointmentCancelSchema.optional() };
const join = { body: WaitlistJoinSchema };
const noInput = { query: NoQuerySchema };

/** What the booking routes need besides the service. */
export interface BookingRoutesOptions {
  jwtSecret: string;
  now: () => Date;
}

/** The notify headers WeChat Pay signs with, as the port wants them. */
function notifyRequest(ctx: AppContext): WechatPayNotifyRequest {
  const header = (name: string) => ctx.get(name) || undefined;
  const headers: WechatPayNotifyRequest['headers'] = {};
  for (const name of ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial', 'wechatpay-signature-type'] as const) {
    const value = header(name);
    if (value !== undefined) headers[name] = value;
  }
  // The signature covers the body exactly as sent: the JSON parser keeps that text.
  const rawBody = (ctx.request as { rawBody?: unknown }).rawBody;
  return { headers, rawBody: typeof rawBody === 'string' ? rawBody : '' };
}

/**
 * Booking routes relative to `/api/v1` (`BookingPaths`): a doctor's slots (public), the
 * account's appointments, paying and cancelling, the waitlist (patient token), and the WeChat
 * Pay notify (no token: the signature is the authentication).
 */
export function bookingRoutes(booking: BookingService, options: BookingRoutesOptions): Router<AppState> {
  const router = new Router<AppState>();
  const patient = requirePatient({ secret: options.jwtSecret, now: options.now });

  router.get('/doctors/:id/slots', validate(slots), async (ctx) => {
    const { params, query } = inputOf(ctx, slots);
    const channel = query.channel ?? 'public';
    const { day, rules, now } = await booking.slots(params.id, query.date);
    ctx.body = presentSlotList(day, query.date, now, rules, channel);
  });

  router.post('/appointments', patient, validate(create), async (ctx) => {
    const { body } = inputOf(ctx, create);
    const appointment = await booking.appointments.book(patientOf(ctx).id, body);
    ctx.body = presentAppointment(appointment, booking.now(), booking.rulesOf(appointment.institutionId));
    ctx.status = 201;
  });

  router.get('/appointments', patient, validate(list), async (ctx) => {
    const { query } = inputOf(ctx, list);
    const items = await booking.appointments.list(patientOf(ctx).id, query.view ?? 'upcoming');
    ctx.body = presentAppointmentList(items, booking.now(), booking.rulesOf);
  });

  router.get('/appointments/:id', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    const appointment = await booking.appointments.get(patientOf(ctx).id, params.id);
    ctx.body = presentAppointment(appointment, booking.now(), booking.rulesOf(appointment.institutionId));
  });

  router.post('/appointments/:id/pay', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.body = await booking.payments.pay(patientOf(ctx).id, params.id);
  });

  router.post('/appointments/:id/cancel', patient, validate(cancel), async (ctx) => {
    const { params, body } = inputOf(ctx, cancel);
    const appointment = await booking.appointments.cancel(patientOf(ctx).id, params.id, body?.reason);
    ctx.body = presentAppointment(appointment, booking.now(), booking.rulesOf(appointment.institutionId));
  });

  router.post('/payments/wechat/notify', validate(noInput), async (ctx) => {
    await booking.payments.notify(notifyRequest(ctx));
    ctx.status = 204;
  });

  router.post('/waitlist', patient, validate(join), async (ctx) => {
    const { body } = inputOf(ctx, join);
    ctx.body = presentWaitlistEntry(await booking.waitlist.join(patientOf(ctx).id, body));
    ctx.status = 201;
  });

  router.get('/waitlist', patient, validate(noInput), async (ctx) => {
    ctx.body = { items: (await booking.waitlist.list(patientOf(ctx).id)).map(presentWaitlistEntry) };
  });

  router.delete('/waitlist/:id', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    await booking.waitlist.cancel(patientOf(ctx).id, params.id);
    ctx.status = 204;
  });

  return router;
}
