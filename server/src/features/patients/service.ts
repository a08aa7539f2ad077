import { createHmac } from 'node:crypto';
import type { PatientCreate, PatientGender, PatientIdType, PatientRelationship, PatientUpdate } from '@careloop/shared/contracts/patients';
import { parseResidentId } from '@careloop/shared/domain/id-card';
import { maskIdNumber, maskPhone } from '@careloop/shared/domain/masking';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import type { FieldCrypto } from '../../crypto/field-crypto.js';
import { ValidationError } from '../../http/errors.js';
import { CareLoopFhir } from '../../integrations/hospital/fhir/codes.js';
import type { HospitalSystem } from '../../integrations/hospital/port.js';
import type { Logger } from '../../logging/logger.js';
import { decidePatientAccess, type PatientAction } from '../../policy/patient-access.js';
import { accessDenied, MAX_PATIENTS_PER_ACCOUNT, patientExists, patientLimit, patientNotFound, selfExists } from './errors.js';
import { PATIENT_INDEX, type PatientModels, type PatientRecord } from './model.js';

/** Field-encryption and blind-index contexts (a ciphertext cannot be moved between fields). */
export const ID_NUMBER_CONTEXT = 'patient.idNumber';
export const PHONE_CONTEXT = 'patient.phone';

/** A patient as the service hands it out: identity number and phone masked, nothing encrypted. */
export interface PatientView {
  id: string;
  relationship: PatientRelationship;
  name: string;
  gender: PatientGender | null;
  birthDate: string | null;
  idType: PatientIdType;
  idNumberMasked: string;
  phoneMasked?: string;
  allergies: string[];
  chronicConditions: string[];
  createdAt: Date;
}

/** The patients (就诊人) an account manages; every call is made as the signed-in account. */
export interface PatientsService {
  list(accountId: string): Promise<PatientView[]>;
  create(accountId: string, input: PatientCreate): Promise<PatientView>;
  get(accountId: string, patientId: string): Promise<PatientView>;
  update(accountId: string, patientId: string, changes: PatientUpdate): Promise<PatientView>;
  remove(accountId: string, patientId: string): Promise<void>;
  /**
   * Checks through the access policy that the account may take `action` on the patient and
   * returns its id; 404 `not_found` when it does not exist or the account may not know of it.
   * For other features (consents) that act on a patient.
   */
  authorize(accountId: string, patientId: string, action: PatientAction): Promise<{ id: string; hospitalPatientId: string | null }>;
}

/** What the patients service needs. */
export interface PatientsServiceDeps {
  models: PatientModels;
  crypto: FieldCrypto;
  hospital: Pick<HospitalSystem, 'findPatient'>;
  clock: Clock;
  logger: Logger;
  /** HMAC key of the hospitals' resident-id index (config `HOSPITAL_MPI_INDEX_KEY`). */
  mpiIndexKey: string;
}

/** The hospital-side identifier of a normalised resident id number: HMAC-SHA256 hex. */
export function hospitalResidentIdIndex(key: string, normalisedIdNumber: string): string {
  return createHmac('sha256', key).update(normalisedIdNumber).digest('hex');
}

/** Whether `error` is MongoDB's duplicate-key error on the index `name`. */
function isDuplicateOn(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown };
  return e.code === 11000 && typeof e.message === 'string' && e.message.includes(name);
}

/** The patients service on the `patients` collection. */
export function createPatientsService(deps: PatientsServiceDeps): PatientsService {
  const { Patient } = deps.models;
  const { crypto } = deps;

  const view = (record: PatientRecord): PatientView => {
    const presented: PatientView = {
      id: record._id.toHexString(),
      relationship: record.relationship,
      name: record.name,
      gender: record.gender,
      birthDate: record.birthDate,
      idType: record.idType,
      idNumberMasked: maskIdNumber(crypto.decrypt(record.idNumberEnc, ID_NUMBER_CONTEXT)),
      allergies: record.allergies,
      chronicConditions: record.chronicConditions,
      createdAt: record.createdAt,
    };
    if (record.phoneEnc !== undefined) presented.phoneMasked = maskPhone(crypto.decrypt(record.phoneEnc, PHONE_CONTEXT));
    return presented;
  };

  /** Loads a live patient and asks the policy; unknown and forbidden look the same (404). */
  const load = async (accountId: string, patientId: string, action: PatientAction): Promise<PatientRecord> => {
    // A malformed id is just an id nobody has: the same 404, so ids cannot be probed.
    if (!/^[0-9a-f]{24}$/i.test(patientId)) throw patientNotFound();
    const record = await Patient.findOne({ _id: new Types.ObjectId(patientId), deleted: false }).lean<PatientRecord>();
    if (!record) throw patientNotFound();
    const decision = decidePatientAccess(
      { kind: 'patient', accountId },
      { id: record._id.toHexString(), ownerAccountId: record.ownerAccountId.toHexString(), managedByAccountIds: [] },
      action,
      { consents: [], seenAtInstitutionIds: [] },
    );
    if (!decision.allowed) throw accessDenied(decision);
    return record;
  };

  /** The hospitals' patient id for a resident id number, or null (unknown, or the hospital failed). */
  const findInMpi = async (idType: PatientIdType, idNumber: string): Promise<string | null> => {
    if (idType !== 'resident_id') return null;
    try {
      const found = await deps.hospital.findPatient(
        CareLoopFhir.residentIdBlindIndexSystem,
        hospitalResidentIdIndex(deps.mpiIndexKey, idNumber),
      );
      return found?.id ?? null;
    } catch (error) {
      // The MPI link is a convenience: the patient is saved unlinked and can be linked later.
      deps.logger.warn({ err: error }, 'hospital patient index lookup failed; patient saved unlinked');
      return null;
    }
  };

  return {
    async list(accountId) {
      const records = await Patient.find({ ownerAccountId: new Types.ObjectId(accountId), deleted: false })
        .sort({ createdAt: 1, _id: 1 })
        .lean<PatientRecord[]>();
      return records.map(view);
    },

    async create(accountId, input) {
      const owner = new Types.ObjectId(accountId);
      let gender: PatientGender | null = null;
      let birthDate: string | null = null;
      if (input.idType === 'resident_id') {
        const parsed = parseResidentId(input.idNumber, deps.clock.now());
        if (!parsed.ok) {
          throw new ValidationError([{ path: 'body.idNumber', code: 'custom', message: parsed.message }]);
        }
        gender = parsed.value.sex;
        birthDate = parsed.value.birthDate;
      }
      const idIndex = crypto.blindIndex(input.idNumber, ID_NUMBER_CONTEXT);
      const live = { ownerAccountId: owner, deleted: false };
      if (await Patient.exists({ ...live, idIndex })) throw patientExists();
      if (input.relationship === 'self' && (await Patient.exists({ ...live, relationship: 'self' }))) throw selfExists();
      if ((await Patient.countDocuments(live)) >= MAX_PATIENTS_PER_ACCOUNT) throw patientLimit();

      const hospitalPatientId = await findInMpi(input.idType, input.idNumber);
      const now = deps.clock.now();
      const record: Omit<PatientRecord, '_id'> = {
        ownerAccountId: owner,
        relationship: input.relationship,
        name: input.name,
        idType: input.idType,
        idNumberEnc: crypto.encrypt(input.idNumber, ID_NUMBER_CONTEXT),
        idIndex,
        gender,
        birthDate,
        allergies: input.allergies ?? [],
        chronicConditions: input.chronicConditions ?? [],
        hospitalPatientId,
        createdBy: owner,
        updatedBy: owner,
        createdAt: now,
        updatedAt: now,
        deleted: false,
        deletedAt: null,
        deletedBy: null,
      };
      if (input.phone !== undefined) {
        record.phoneEnc = crypto.encrypt(input.phone, PHONE_CONTEXT);
        record.phoneIndex = crypto.blindIndex(input.phone, PHONE_CONTEXT);
      }
      try {
        const created = await Patient.create(record);
        // Concurrent adds all passed the count above: the ones ranked past the limit (ids grow
        // with insertion) take their insert back, so the account never ends up with more.
        const rank = await Patient.countDocuments({ ...live, _id: { $lte: created._id } });
        if (rank > MAX_PATIENTS_PER_ACCOUNT) {
          await Patient.deleteOne({ _id: created._id });
          throw patientLimit();
        }
        deps.logger.info({ patientId: created._id.toHexString(), linked: hospitalPatientId !== null }, 'patient added');
        return view(created.toObject());
      } catch (error) {
        // Lost a race with a concurrent add: the unique indexes have the last word.
        if (isDuplicateOn(error, PATIENT_INDEX.samePerson)) throw patientExists();
        if (isDuplicateOn(error, PATIENT_INDEX.oneSelf)) throw selfExists();
        throw error;
      }
    },

    async get(accountId, patientId) {
      return view(await load(accountId, patientId, 'read'));
    },

    async update(accountId, patientId, changes) {
      const record = await load(accountId, patientId, 'write');
      const actor = new Types.ObjectId(accountId);
      const set: Record<string, unknown> = { updatedBy: actor, updatedAt: deps.clock.now() };
      const unset: Record<string, ''> = {};
      if (changes.relationship !== undefined) set.relationship = changes.relationship;
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.allergies !== undefined) set.allergies = changes.allergies;
      if (changes.chronicConditions !== undefined) set.chronicConditions = changes.chronicConditions;
      if (changes.phone === null) {
        unset.phoneEnc = '';
        unset.phoneIndex = '';
      } else if (changes.phone !== undefined) {
        set.phoneEnc = crypto.encrypt(changes.phone, PHONE_CONTEXT);
        set.phoneIndex = crypto.blindIndex(changes.phone, PHONE_CONTEXT);
      }
      if (changes.relationship === 'self' && record.relationship !== 'self') {
        if (await Patient.exists({ ownerAccountId: record.ownerAccountId, deleted: false, relationship: 'self' })) throw selfExists();
      }
      try {
        const updated = await Patient.findOneAndUpdate(
          { _id: record._id, deleted: false },
          Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set },
          { new: true },
        ).lean<PatientRecord>();
        if (!updated) throw patientNotFound();
        return view(updated);
      } catch (error) {
        if (isDuplicateOn(error, PATIENT_INDEX.oneSelf)) throw selfExists();
        throw error;
      }
    },

    async remove(accountId, patientId) {
      const record = await load(accountId, patientId, 'write');
      const now = deps.clock.now();
      const actor = new Types.ObjectId(accountId);
      await Patient.updateOne(
        { _id: record._id, deleted: false },
        { $set: { deleted: true, deletedAt: now, deletedBy: actor, updatedBy: actor, updatedAt: now } },
      );
    },

    async authorize(accountId, patientId, action) {
      const record = await load(accountId, patientId, action);
      return { id: record._id.toHexString(), hospitalPatientId: record.hospitalPatientId };
    },
  };
}
