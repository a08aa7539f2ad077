import type { AuditAction, AuditOutcome, AuditQuery, AuditReason, AuditRule } from '@careloop/shared/contracts/audit';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import type { Clock } from '../../clock.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../http/time-cursor.js';
import type { Logger } from '../../logging/logger.js';
import type { PatientAccessDecision } from '../../policy/patient-access.js';
import { StaffForbiddenError } from '../staff-auth/errors.js';
import { AuditUnavailableError, invalidCursor } from './errors.js';
import type { AuditEventRecord, AuditModels } from './model.js';

/** The staff member an event is about. */
export interface AuditActor {
  staffId: string;
  role: StaffRole;
  /** The staff member's institution (`alliance` for the alliance admin). */
  institutionId: string;
}

/** How an access ended, as the audit log records it. */
export interface AuditResult {
  outcome: AuditOutcome;
  rule: AuditRule | null;
  reason: AuditReason | null;
}

/** One access to record. */
export interface AuditEntry {
  /** The request id (`ctx.state.requestId`), passed in by the route through the service. */
  requestId: string;
  actor: AuditActor;
  patientId: string;
  action: AuditAction;
  /** What was accessed, e.g. `patient`, `patient.export`. */
  resource: string;
  result: AuditResult;
}

/** An audit event as the service hands it out. */
export type AuditEventView = Omit<AuditEventRecord, '_id'> & { id: string };

/** A page of events, newest first. */
export interface AuditPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

/** Who reads the audit log. */
export interface AuditViewer {
  role: StaffRole;
  institutionId: string;
}

/** The audit log of staff access to patient data. */
export interface AuditService {
  /**
   * Appends one event. Throws {@link AuditUnavailableError} (503) when it cannot be stored:
   * callers record before they hand out data, so an access the log missed never happens.
   */
  record(entry: AuditEntry): Promise<void>;
  /**
   * Events the viewer may see, filtered, newest first: an institution admin sees the events of
   * their institution's staff, the alliance admin everyone's; other roles get 403.
   */
  list(viewer: AuditViewer, query: AuditQuery): Promise<AuditPage>;
}

/** What the audit service needs. */
export interface AuditServiceDeps {
  models: AuditModels;
  clock: Clock;
  logger: Logger;
}

/** The audit result of a policy decision: allowed, or denied with the rule and the reason. */
export function auditResultOf(decision: PatientAccessDecision): AuditResult {
  return decision.allowed
    ? { outcome: 'allowed', rule: decision.rule, reason: null }
    : { outcome: 'denied', rule: decision.rule, reason: decision.reason };
}

/** The result recorded when the facts for the policy could not be gathered (no decision made). */
export const factsUnavailable: AuditResult = { outcome: 'failed', rule: null, reason: 'facts_unavailable' };

function view(record: AuditEventRecord): AuditEventView {
  const { _id, ...rest } = record;
  return { id: _id.toHexString(), ...rest };
}

/** Audit roles: who may read the log, and how far. */
const auditReaders: readonly StaffRole[] = ['institution_admin', 'alliance_admin'];

/** The audit service on the `audit_events` collection. */
export function createAuditService(deps: AuditServiceDeps): AuditService {
  const { AuditEvent } = deps.models;

  return {
    async record(entry) {
      const event: Omit<AuditEventRecord, '_id'> = {
        at: deps.clock.now(),
        requestId: entry.requestId,
        staffId: entry.actor.staffId,
        role: entry.actor.role,
        institutionId: entry.actor.institutionId,
        patientId: entry.patientId,
        action: entry.action,
        resource: entry.resource,
        outcome: entry.result.outcome,
        rule: entry.result.rule,
        reason: entry.result.reason,
      };
      try {
        await AuditEvent.create(event);
      } catch (cause) {
        // Never silent: logged with what was attempted (ids only), and the access is refused.
        deps.logger.error(
          { err: cause, requestId: entry.requestId, staffId: entry.actor.staffId, patientId: entry.patientId, action: entry.action },
          'audit event could not be written; access refused',
        );
        throw new AuditUnavailableError({ cause });
      }
    },

    async list(viewer, query) {
      if (!auditReaders.includes(viewer.role)) throw new StaffForbiddenError();
      const conditions: Array<Record<string, unknown>> = [];
      if (viewer.role !== 'alliance_admin') conditions.push({ institutionId: viewer.institutionId });
      if (query.patientId !== undefined) conditions.push({ patientId: query.patientId });
      if (query.staffId !== undefined) conditions.push({ staffId: query.staffId });
      if (query.action !== undefined) conditions.push({ action: query.action });
      if (query.from !== undefined) conditions.push({ at: { $gte: new Date(query.from) } });
      if (query.to !== undefined) conditions.push({ at: { $lt: new Date(query.to) } });
      if (query.cursor !== undefined) {
        const after = decodeTimeCursor(query.cursor);
        if (!after) throw invalidCursor();
        conditions.push({ $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] });
      }
      const filter = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0]! : { $and: conditions };
      const records = await AuditEvent.find(filter)
        .sort({ at: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<AuditEventRecord[]>();
      const page = records.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page.map(view), nextCursor: records.length > query.limit && last ? encodeTimeCursor(last.at, last._id) : null };
    },
  };
}
