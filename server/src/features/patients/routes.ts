import { Router } from '@koa/router';
import { PatientCreateSchema, PatientUpdateSchema } from '@careloop/shared/contracts/patients';
import { z } from 'zod';
import { patientOf, requirePatient } from '../../http/auth.js';
import type { AppState } from '../../http/state.js';
import { inputOf, validate } from '../../http/validate.js';
import { presentPatient, presentPatientList } from './presenter.js';
import type { PatientsService } from './service.js';

const byId = { params: z.object({ id: z.string() }) };
const create = { body: PatientCreateSchema };
const update = { params: byId.params, body: PatientUpdateSchema };
const noInput = {};

/** What the patient routes need besides the service. */
export interface PatientRoutesOptions {
  jwtSecret: string;
  now: () => Date;
}

/**
 * The account's patients (就诊人), relative to `/api/v1`: list, add, view, change, remove (soft).
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

  return router;
}
