import { Router } from '@koa/router';
import { DirectoryIdSchema } from '@careloop/shared';
import { z } from 'zod';
import type { AppState } from '../../http/state.js';
import { inputOf, NoQuerySchema, validate } from '../../http/validate.js';
import { presentDepartmentList, presentDoctorList, presentDoctorProfile, presentInstitutionList } from './presenter.js';
import type { DirectoryService } from './service.js';

const byId = { params: z.object({ id: DirectoryIdSchema }).strict(), query: NoQuerySchema };
const noInput = { query: NoQuerySchema };

/**
 * The directory endpoints (paths relative to `/api/v1`, as `DirectoryPaths` in the shared
 * contracts). No query parameters are accepted; ids must match `DirectoryIdSchema`.
 */
export function directoryRoutes(directory: DirectoryService): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/institutions', validate(noInput), async (ctx) => {
    ctx.body = presentInstitutionList(await directory.listInstitutions());
  });

  router.get('/institutions/:id/departments', validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.body = presentDepartmentList(await directory.listDepartments(params.id));
  });

  router.get('/departments/:id/doctors', validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.body = presentDoctorList(await directory.listDoctors(params.id));
  });

  router.get('/doctors/:id', validate(byId), async (ctx) => {
    const { params } = inputOf(ctx, byId);
    ctx.body = presentDoctorProfile(await directory.getDoctorProfile(params.id));
  });

  return router;
}
