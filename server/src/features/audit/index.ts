/** The audit log of staff access to patient data: models, service, routes. */
export { createAuditModels, type AuditModels, type AuditEventRecord } from './model.js';
export {
  auditResultOf,
  createAuditService,
  factsUnavailable,
  type AuditActor,
  type AuditEntry,
  type AuditResult,
  type AuditService,
} from './service.js';
export { auditRoutes } from './routes.js';
export { AuditUnavailableError } from './errors.js';
