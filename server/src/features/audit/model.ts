import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { AuditAction, AuditOutcome, AuditReason, AuditRule } from '@careloop/shared/contracts/audit';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import { appendOnly } from './append-only.js';

/**
 * `audit_events`: one entry per staff access to a patient's data (read, write, export), allowed
 * or not. Append-only — the model refuses every update and delete path (see `appendOnly`).
 * Nothing here holds personal data beyond ids: no names, identity numbers or phones.
 */

/** One audit event as stored. */
export interface AuditEventRecord {
  _id: Types.ObjectId;
  at: Date;
  requestId: string;
  staffId: string;
  role: StaffRole;
  institutionId: string;
  /** The patient id asked for, as given (it may name no patient). */
  patientId: string;
  action: AuditAction;
  resource: string;
  outcome: AuditOutcome;
  rule: AuditRule | null;
  reason: AuditReason | null;
}

/** The audit feature's models, bound to one connection. */
export interface AuditModels {
  AuditEvent: Model<AuditEventRecord>;
}

const auditEventSchema = new Schema<AuditEventRecord>(
  {
    at: { type: Date, required: true },
    requestId: { type: String, required: true },
    staffId: { type: String, required: true },
    role: { type: String, required: true },
    institutionId: { type: String, required: true },
    patientId: { type: String, required: true },
    action: { type: String, required: true },
    resource: { type: String, required: true },
    outcome: { type: String, required: true },
    rule: { type: String, default: null },
    reason: { type: String, default: null },
  },
  { versionKey: false, collection: 'audit_events' },
);
appendOnly(auditEventSchema, 'audit_events');
// Newest first, for everyone (alliance admin) and per institution, patient and staff member.
auditEventSchema.index({ at: -1, _id: -1 });
auditEventSchema.index({ institutionId: 1, at: -1, _id: -1 });
auditEventSchema.index({ patientId: 1, at: -1, _id: -1 });
auditEventSchema.index({ staffId: 1, at: -1, _id: -1 });

/** Registers the audit model on a connection (idempotent) and builds its indexes. */
export async function createAuditModels(connection: Connection): Promise<AuditModels> {
  const models: AuditModels = {
    AuditEvent: connection.models.AuditEvent ?? connection.model('AuditEvent', auditEventSchema),
  };
  await models.AuditEvent.createIndexes();
  return models;
}
