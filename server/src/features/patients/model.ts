import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { PatientGender, PatientIdType, PatientRelationship } from '@careloop/shared/contracts/patients';
import { appendOnly } from '../audit/append-only.js';

/**
 * Patients (就诊人) an account manages. The identity number and phone are stored only encrypted
 * (`*Enc`, FieldCrypto) with blind indexes (`*Index`) for de-duplication; deleting is soft
 * (`deleted: true`) so the history of who did what stays.
 */

/** A patient record. */
export interface PatientRecord {
  _id: Types.ObjectId;
  ownerAccountId: Types.ObjectId;
  relationship: PatientRelationship;
  name: string;
  idType: PatientIdType;
  /** Normalised identity number, encrypted (context `patient.idNumber`). */
  idNumberEnc: string;
  /** Blind index of the normalised identity number (context `patient.idNumber`). */
  idIndex: string;
  phoneEnc?: string;
  phoneIndex?: string;
  gender: PatientGender | null;
  birthDate: string | null;
  allergies: string[];
  chronicConditions: string[];
  /** The hospitals' master patient index id, when the MPI knew the person at creation. */
  hospitalPatientId: string | null;
  createdBy: Types.ObjectId;
  updatedBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
  deleted: boolean;
  deletedAt: Date | null;
  deletedBy: Types.ObjectId | null;
  /**
   * Accounts that act for this patient (家人代办), added by accepting the owner's invitation.
   * Absent on records written before proxies existed: read it as empty.
   */
  proxies?: PatientProxyEntry[];
}

/** One account acting for a patient. */
export interface PatientProxyEntry {
  accountId: Types.ObjectId;
  /** When the invitation was accepted. */
  since: Date;
  /** The invitation accepted. */
  invitationId: Types.ObjectId;
}

/** What was done to a patient, for the change log. */
export type PatientChangeKind = 'create' | 'update' | 'delete' | 'proxy_invite' | 'proxy_accept' | 'proxy_revoke';

/**
 * One write to a patient (`patient_changes`, append-only): which account did it — the owner or
 * a proxy acting for them — what kind of write, and which fields (names only, never values, so
 * the log holds no identity number or phone).
 */
export interface PatientChangeRecord {
  _id: Types.ObjectId;
  patientId: Types.ObjectId;
  actingAccountId: Types.ObjectId;
  kind: PatientChangeKind;
  fields: string[];
  /** The other account of a proxy change (the proxy added or revoked). */
  subjectAccountId: Types.ObjectId | null;
  at: Date;
}

/**
 * A one-time proxy invitation (`proxy_invitations`): only the keyed hash of the code is stored;
 * used and expired invitations stay, so a second use can be told apart from a typo.
 */
export interface ProxyInvitationRecord {
  _id: Types.ObjectId;
  patientId: Types.ObjectId;
  /** Blind index (HMAC) of the normalised code, context `proxy.invitationCode`. */
  codeHash: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: Types.ObjectId | null;
}

/** The patients feature's models, bound to one connection. */
export interface PatientModels {
  Patient: Model<PatientRecord>;
  PatientChange: Model<PatientChangeRecord>;
  ProxyInvitation: Model<ProxyInvitationRecord>;
}

/** Index names, so a duplicate-key error can be told apart. */
export const PATIENT_INDEX = { samePerson: 'owner_same_person', oneSelf: 'owner_one_self' } as const;

const patientSchema = new Schema<PatientRecord>(
  {
    ownerAccountId: { type: Schema.Types.ObjectId, required: true },
    relationship: { type: String, required: true },
    name: { type: String, required: true },
    idType: { type: String, required: true },
    idNumberEnc: { type: String, required: true },
    idIndex: { type: String, required: true },
    phoneEnc: { type: String },
    phoneIndex: { type: String },
    gender: { type: String, default: null },
    birthDate: { type: String, default: null },
    allergies: { type: [String], default: [] },
    chronicConditions: { type: [String], default: [] },
    hospitalPatientId: { type: String, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    deleted: { type: Boolean, required: true, default: false },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
    proxies: {
      type: [
        {
          _id: false,
          accountId: { type: Schema.Types.ObjectId, required: true },
          since: { type: Date, required: true },
          invitationId: { type: Schema.Types.ObjectId, required: true },
        },
      ],
      default: [],
    },
  },
  { versionKey: false, collection: 'patients' },
);
// One account cannot add the same person twice, nor have two `self` patients (deleted ones aside).
patientSchema.index(
  { ownerAccountId: 1, idIndex: 1 },
  { unique: true, name: PATIENT_INDEX.samePerson, partialFilterExpression: { deleted: false } },
);
patientSchema.index(
  { ownerAccountId: 1 },
  { unique: true, name: PATIENT_INDEX.oneSelf, partialFilterExpression: { deleted: false, relationship: 'self' } },
);
patientSchema.index({ ownerAccountId: 1, deleted: 1, createdAt: 1 });
// The patients an account acts for.
patientSchema.index({ 'proxies.accountId': 1, deleted: 1 });

const patientChangeSchema = new Schema<PatientChangeRecord>(
  {
    patientId: { type: Schema.Types.ObjectId, required: true },
    actingAccountId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    fields: { type: [String], default: [] },
    subjectAccountId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'patient_changes' },
);
appendOnly(patientChangeSchema, 'patient_changes');
patientChangeSchema.index({ patientId: 1, at: 1 });

const proxyInvitationSchema = new Schema<ProxyInvitationRecord>(
  {
    patientId: { type: Schema.Types.ObjectId, required: true },
    codeHash: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    usedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false, collection: 'proxy_invitations' },
);
/** Index name of the code hash, so a (vanishingly rare) collision can be retried. */
export const PROXY_INVITATION_CODE_INDEX = 'proxy_invitation_code';
proxyInvitationSchema.index({ codeHash: 1 }, { unique: true, name: PROXY_INVITATION_CODE_INDEX });

/** Registers the patient model on a connection (idempotent) and builds its indexes. */
export async function createPatientModels(connection: Connection): Promise<PatientModels> {
  const models: PatientModels = {
    Patient: connection.models.Patient ?? connection.model('Patient', patientSchema),
    PatientChange: connection.models.PatientChange ?? connection.model('PatientChange', patientChangeSchema),
    ProxyInvitation: connection.models.ProxyInvitation ?? connection.model('ProxyInvitation', proxyInvitationSchema),
  };
  await models.Patient.createIndexes();
  await models.PatientChange.createIndexes();
  await models.ProxyInvitation.createIndexes();
  return models;
}
