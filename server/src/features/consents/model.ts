import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { ConsentKind, SubscribeTemplate } from '@careloop/shared/contracts/consents';

/**
 * Consent records, append-only: granting inserts one; withdrawing stamps `withdrawnAt` on the
 * record(s) in force. Nothing is ever deleted, so who agreed to what, and when, stays auditable.
 */

/** One consent record. */
export interface ConsentRecord {
  _id: Types.ObjectId;
  /** The account that tapped (the patient, or a family member acting for them). */
  actingAccountId: Types.ObjectId;
  /** The patient (就诊人) it is about; null for the account holder themself. */
  patientId: Types.ObjectId | null;
  kind: ConsentKind;
  /** The version of the consent text shown. */
  version: string;
  templateIds: SubscribeTemplate[];
  grantedAt: Date;
  withdrawnAt: Date | null;
  withdrawnHow: string | null;
  withdrawnBy: Types.ObjectId | null;
}

/** The consents feature's models, bound to one connection. */
export interface ConsentModels {
  Consent: Model<ConsentRecord>;
}

const consentSchema = new Schema<ConsentRecord>(
  {
    actingAccountId: { type: Schema.Types.ObjectId, required: true },
    patientId: { type: Schema.Types.ObjectId, default: null },
    kind: { type: String, required: true },
    version: { type: String, required: true },
    templateIds: { type: [{ _id: false, id: { type: String, required: true }, kind: { type: String, required: true } }], default: [] },
    grantedAt: { type: Date, required: true },
    withdrawnAt: { type: Date, default: null },
    withdrawnHow: { type: String, default: null },
    withdrawnBy: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false, collection: 'consents' },
);
consentSchema.index({ actingAccountId: 1, grantedAt: -1 });
consentSchema.index({ patientId: 1, kind: 1, withdrawnAt: 1 });

/** Registers the consent model on a connection (idempotent) and builds its indexes. */
export async function createConsentModels(connection: Connection): Promise<ConsentModels> {
  const models: ConsentModels = {
    Consent: connection.models.Consent ?? connection.model('Consent', consentSchema),
  };
  await models.Consent.createIndexes();
  return models;
}
