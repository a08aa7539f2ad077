import { Router } from '@koa/router';
import { PatientCreateSchema, PatientUpdateSchema, ProxyInvitationAcceptSchema } from '@careloop/shared/contracts/patients';
import { z } from 'zod';
import { patientOf, requirePatient } from '../../http/auth.js';
import type { AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { presentPatient, presentPatientList, presentProxyInvitation, presentProxyList } from './presenter.js';
import type { PatientsService } from './service.js';

const byId = { params: z.object({ id: z.string() }) };
const create = { body: PatientCreateSchema };
const update = { params: byId.params, body: PatientUpdateSchema };
const noInput = {};
const accept = { body: ProxyInvitationAcceptSchema };
const byProxy = { params: z.object({ id: z.string(), accountId: z.string() }) };

/** What the patient routes need besides the service. */
export interface PatientRoutesOptions {
  jwtSecret: string;
  now: () => Date;
}

/**
 * The account's patients (就诊人), relative to `/api/v1`: list, add, view, change, remove (soft),
 * and proxies (家人代办): invite, accept, list, revoke.
 * Access to one patient is decided by the patient-access policy inside the service.
 */
export function patientRoutes(patients: PatientsService, options: PatientRoutesOptions): Router<AppState> {
  const router = new Router<AppState>();
  const patient = requirePatient({ secret: options.jwtSecret, now: options.now });

  router.get('/patients', patient, validate(noInput), async (ctx) => {
    ctx.body = presentPatientList(await patients.list(patientOf(ctx).id));
  });

  router.post('/patients', patient, validate(create), async (ctx) => {
    const { body } = inputOf(ctx, create);
    ctx.body = presentPatient(await patients.create(patientOf(ctx).id, body));
    ctx.status = 201;
  });

  router.get('/patients/:id', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.body = presentPatient(await patients.get(patientOf(ctx).id, params.id));
  });

  router.patch('/patients/:id', patient, validate(update), async (ctx) => {
    const { params, body } = inputOf(ctx, update);
    ctx.body = presentPatient(await patients.update(patientOf(ctx).id, params.id, body));
  });

  router.delete('/patients/:id', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    await patients.remove(patientOf(ctx).id, params.id);
    ctx.status = 204;
  });

  // 家人代办: the owner invites, another account accepts, the owner lists and revokes.
  router.post('/patients/:id/proxy-invitations', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentProxyInvitation(await patients.createProxyInvitation(patientOf(ctx).id, params.id));
    ctx.status = 201;
  });

  router.post('/proxy-invitations/accept', patient, validate(accept), async (ctx) => {
    const { body } = inputOf(ctx, accept);
    ctx.body = presentPatient(await patients.acceptProxyInvitation(patientOf(ctx).id, body.code));
  });

  router.get('/patients/:id/proxies', patient, validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.body = presentProxyList(await patients.listProxies(patientOf(ctx).id, params.id));
  });

  router.delete('/patients/:id/proxies/:accountId', patient, validate(byProxy), async (ctx) => {
    const { params } = inputOf(ctx, byProxy);
    await patients.revokeProxy(patientOf(ctx).id, params.id, params.accountId);
    ctx.status = 204;
  });

  return router;
}
