import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { PatientGender, PatientIdType, PatientRelationship } from '@careloop/shared/contracts/patients';

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
}

/** The patients feature's models, bound to one connection. */
export interface PatientModels {
  Patient: Model<PatientRecord>;
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

/** Registers the patient model on a connection (idempotent) and builds its indexes. */
export async function createPatientModels(connection: Connection): Promise<PatientModels> {
  const models: PatientModels = {
    Patient: connection.models.Patient ?? connection.model('Patient', patientSchema),
  };
  await models.Patient.createIndexes();
  return models;
}
