import { Router } from '@koa/router';
import { ConsentGrantSchema, ConsentWithdrawSchema } from '@careloop/shared/contracts/consents';
import { patientOf, requirePatient } from '../../http/auth.js';
import type { AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { presentConsent, presentConsentList } from './presenter.js';
import type { ConsentsService } from './service.js';

const grant = { body: ConsentGrantSchema };
const withdraw = { body: ConsentWithdrawSchema };
const noInput = {};

/** What the consent routes need besides the service. */
export interface ConsentRoutesOptions {
  jwtSecret: string;
  now: () => Date;
}

/** The account's consents, relative to `/api/v1`: list, grant, withdraw. */
export function consentRoutes(consents: ConsentsService, options: ConsentRoutesOptions): Router<AppState> {
  const router = new Router<AppState>();
  const patient = requirePatient({ secret: options.jwtSecret, now: options.now });

  router.get('/consents', patient, validate(noInput), async (ctx) => {
    ctx.body = presentConsentList(await consents.list(patientOf(ctx).id));
  });

  router.post('/consents', patient, validate(grant), async (ctx) => {
    const { body } = inputOf(ctx, grant);
    ctx.body = presentConsent(await consents.grant(patientOf(ctx).id, body));
    ctx.status = 201;
  });

  router.post('/consents/withdraw', patient, validate(withdraw), async (ctx) => {
    const { body } = inputOf(ctx, withdraw);
    ctx.body = presentConsentList(await consents.withdraw(patientOf(ctx).id, body));
  });

  return router;
}
