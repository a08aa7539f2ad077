import type { AuditEvent, AuditEventPage } from '@careloop/shared/contracts/audit';
import type { AuditEventView, AuditPage } from './service.js';

/** An audit event as the API shows it (instants as ISO-8601). */
export function presentAuditEvent(event: AuditEventView): AuditEvent {
  return {
    id: event.id,
    at: event.at.toISOString(),
    requestId: event.requestId,
    staffId: event.staffId,
    role: event.role,
    institutionId: event.institutionId,
    patientId: event.patientId,
    action: event.action,
    resource: event.resource,
    outcome: event.outcome,
    rule: event.rule,
    reason: event.reason,
  };
}

/** `GET /staff/audit`. */
export function presentAuditPage(page: AuditPage): AuditEventPage {
  return { items: page.items.map(presentAuditEvent), nextCursor: page.nextCursor };
}
