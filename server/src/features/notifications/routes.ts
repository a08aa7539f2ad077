import { Router } from '@koa/router';
import { NotificationListQuerySchema, NotificationPaths, NotificationReadSchema } from '@careloop/shared/contracts/notifications';
import { patientOf, requirePatient } from '../../http/auth.js';
import type { AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { presentNotificationPage } from './presenter.js';
import type { NotificationsService } from './service.js';

const list = { query: NotificationListQuerySchema };
const read = { body: NotificationReadSchema };
const noInput = {};

/** What the message routes need besides the service. */
export interface NotificationRoutesOptions {
  jwtSecret: string;
  now: () => Date;
}

/** The account's messages, relative to `/api/v1`: list, mark read, mark all read. */
export function notificationRoutes(notifications: NotificationsService, options: NotificationRoutesOptions): Router<AppState> {
  const router = new Router<AppState>();
  const patient = requirePatient({ secret: options.jwtSecret, now: options.now });

  router.get(NotificationPaths.list, patient, validate(list), async (ctx) => {
    const { query } = inputOf(ctx, list);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentNotificationPage(await notifications.list(patientOf(ctx).id, query));
  });

  router.post(NotificationPaths.read, patient, validate(read), async (ctx) => {
    const { body } = inputOf(ctx, read);
    ctx.body = await notifications.markRead(patientOf(ctx).id, body.ids);
  });

  router.post(NotificationPaths.readAll, patient, validate(noInput), async (ctx) => {
    ctx.body = await notifications.markAllRead(patientOf(ctx).id);
  });

  return router;
}
