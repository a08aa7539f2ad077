import { createHmac, randomInt } from 'node:crypto';
import {
  PROXY_CODE_ALPHABET,
  PROXY_INVITATION_TTL_MINUTES,
  type PatientCreate,
  type PatientGender,
  type PatientIdType,
  type PatientRelationship,
  type PatientUpdate,
} from '@careloop/shared/contracts/patients';
import { parseResidentId } from '@careloop/shared/domain/id-card';
import { maskIdNumber, maskPhone } from '@careloop/shared/domain/masking';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import type { FieldCrypto } from '../../crypto/field-crypto.js';
import { ValidationError } from '../../http/errors.js';
import { CareLoopFhir } from '../../integrations/hospital/fhir/codes.js';
import type { HospitalSystem } from '../../integrations/hospital/port.js';
import type { Logger } from '../../logging/logger.js';
import { decidePatientAccess, type PatientAccessSubject, type PatientAction } from '../../policy/patient-access.js';
import {
  accessDenied,
  invitationExpired,
  invitationNotFound,
  invitationUsed,
  MAX_PATIENTS_PER_ACCOUNT,
  patientExists,
  patientLimit,
  patientNotFound,
  proxyIsOwner,
  proxyNotFound,
  selfExists,
} from './errors.js';
import {
  PATIENT_INDEX,
  PROXY_INVITATION_CODE_INDEX,
  type PatientChangeKind,
  type PatientModels,
  type PatientRecord,
  type ProxyInvitationRecord,
} from './model.js';

/** Field-encryption and blind-index contexts (a ciphertext cannot be moved between fields). */
export const ID_NUMBER_CONTEXT = 'patient.idNumber';
export const PHONE_CONTEXT = 'patient.phone';
/** Blind-index context of proxy invitation codes (a keyed hash: 8 characters are guessable offline). */
export const INVITATION_CODE_CONTEXT = 'proxy.invitationCode';
/** Characters in an invitation code. */
const INVITATION_CODE_LENGTH = 8;

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
  /** Set when the asking account acts for another account's patient (家人代办). */
  access?: 'proxy';
}

/** A new proxy invitation: the code (shown once, stored only hashed) and when it expires. */
export interface ProxyInvitationView {
  code: string;
  expiresAt: Date;
}

/** An account that acts for a patient. */
export interface PatientProxyView {
  accountId: string;
  nickname?: string;
  since: Date;
}

/**
 * A patient as another feature (staff access) needs it to ask the access policy: the subject,
 * the MPI link, and the masked view — decrypted only when called, after the policy said yes.
 */
export interface PatientForPolicy {
  subject: PatientAccessSubject;
  relationship: PatientRelationship;
  /** The hospitals' master patient index id, or null when the patient is not linked. */
  hospitalPatientId: string | null;
  view(): PatientView;
}

/** The patients (就诊人) an account manages; every call is made as the signed-in account. */
export interface PatientsService {
  /** The account's own patients and those it acts for (`access: 'proxy'`), oldest first. */
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
  /** The owner invites another account to act for the patient: a one-time code, 10 minutes. */
  createProxyInvitation(accountId: string, patientId: string): Promise<ProxyInvitationView>;
  /** Another account accepts a code and from then on acts for the patient; returns it as it sees it. */
  acceptProxyInvitation(accountId: string, code: string): Promise<PatientView>;
  /** The accounts acting for the patient (owner only), oldest first. */
  listProxies(accountId: string, patientId: string): Promise<PatientProxyView[]>;
  /** The owner stops an account acting for the patient. */
  revokeProxy(accountId: string, patientId: string, proxyAccountId: string): Promise<void>;
  /**
   * A live patient by id for a caller that decides access itself with the policy (staff
   * access); null when there is no such patient or the id is malformed.
   */
  findForPolicy(patientId: string): Promise<PatientForPolicy | null>;
  /**
   * The accounts that hold a live patient — its owner first, then its current proxies, oldest
   * first — for features that tell them about it (booking's messages); empty when there is no
   * such patient or the id is malformed. A revoked proxy is no longer among them.
   */
  accountsHolding(patientId: string): Promise<string[]>;
  /**
   * The 就诊人 linked to a hospital MPI record (the first one added, if several accounts linked
   * the same person), for features acting on the hospital's patient (staff priority booking);
   * null when no CareLoop patient is linked to it.
   */
  linkedToHospitalPatient(hospitalPatientId: string): Promise<{ id: string; ownerAccountId: string } | null>;
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
  /** Nicknames of proxy accounts for the owner's list (the auth service); without it, ids only. */
  accounts?: { getAccount(accountId: string): Promise<{ nickname?: string }> };
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

  const objectIdPattern = /^[0-9a-f]{24}$/i;
  const proxyIdsOf = (record: PatientRecord): string[] => (record.proxies ?? []).map((p) => p.accountId.toHexString());
  const subjectOf = (record: PatientRecord): PatientAccessSubject => ({
    id: record._id.toHexString(),
    ownerAccountId: record.ownerAccountId.toHexString(),
    managedByAccountIds: proxyIdsOf(record),
  });

  /** The account's view of a record: masked, and marked when the account is a proxy. */
  const viewAs = (accountId: string, record: PatientRecord): PatientView => {
    const presented = view(record);
    if (record.ownerAccountId.toHexString() !== accountId) presented.access = 'proxy';
    return presented;
  };

  /**
   * Appends to the change log. The record itself already names the last writer (`updatedBy`),
   * so a failed append is logged loudly rather than failing a write that has happened.
   */
  const logChange = async (
    patientId: PatientRecord['_id'],
    accountId: string,
    kind: PatientChangeKind,
    fields: string[] = [],
    subjectAccountId: string | null = null,
  ): Promise<void> => {
    try {
      await deps.models.PatientChange.create({
        patientId,
        actingAccountId: new Types.ObjectId(accountId),
        kind,
        fields,
        subjectAccountId: subjectAccountId === null ? null : new Types.ObjectId(subjectAccountId),
        at: deps.clock.now(),
      });
    } catch (error) {
      deps.logger.error({ err: error, patientId: patientId.toHexString(), kind }, 'patient change log append failed');
    }
  };

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
    if (!objectIdPattern.test(patientId)) throw patientNotFound();
    const record = await Patient.findOne({ _id: new Types.ObjectId(patientId), deleted: false }).lean<PatientRecord>();
    if (!record) throw patientNotFound();
    const decision = decidePatientAccess({ kind: 'patient', accountId }, subjectOf(record), action, {
      consents: [],
      seenAtInstitutionIds: [],
    });
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
      const account = new Types.ObjectId(accountId);
      const records = await Patient.find({ deleted: false, $or: [{ ownerAccountId: account }, { 'proxies.accountId': account }] })
        .sort({ createdAt: 1, _id: 1 })
        .lean<PatientRecord[]>();
      return records.map((record) => viewAs(accountId, record));
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
        await logChange(created._id, accountId, 'create', Object.keys(input).sort());
        return view(created.toObject());
      } catch (error) {
        // Lost a race with a concurrent add: the unique indexes have the last word.
        if (isDuplicateOn(error, PATIENT_INDEX.samePerson)) throw patientExists();
        if (isDuplicateOn(error, PATIENT_INDEX.oneSelf)) throw selfExists();
        throw error;
      }
    },

    async get(accountId, patientId) {
      return viewAs(accountId, await load(accountId, patientId, 'read'));
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
        await logChange(updated._id, accountId, 'update', Object.keys(changes).filter((key) => changes[key as keyof PatientUpdate] !== undefined).sort());
        return viewAs(accountId, updated);
      } catch (error) {
        if (isDuplicateOn(error, PATIENT_INDEX.oneSelf)) throw selfExists();
        throw error;
      }
    },

    async remove(accountId, patientId) {
      // Deleting takes the record away from its proxies too: the owner's decision alone.
      const record = await load(accountId, patientId, 'manage');
      const now = deps.clock.now();
      const actor = new Types.ObjectId(accountId);
      const { modifiedCount } = await Patient.updateOne(
        { _id: record._id, deleted: false },
        { $set: { deleted: true, deletedAt: now, deletedBy: actor, updatedBy: actor, updatedAt: now } },
      );
      if (modifiedCount > 0) await logChange(record._id, accountId, 'delete');
    },

    async authorize(accountId, patientId, action) {
      const record = await load(accountId, patientId, action);
      return { id: record._id.toHexString(), hospitalPatientId: record.hospitalPatientId };
    },

    async createProxyInvitation(accountId, patientId) {
      const record = await load(accountId, patientId, 'manage');
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + PROXY_INVITATION_TTL_MINUTES * 60_000);
      // 31^8 ≈ 8.5e11 codes: a collision with a stored hash is all but impossible; retry anyway.
      for (let attempt = 0; ; attempt += 1) {
        const code = Array.from({ length: INVITATION_CODE_LENGTH }, () => PROXY_CODE_ALPHABET[randomInt(PROXY_CODE_ALPHABET.length)]).join('');
        try {
          const created = await deps.models.ProxyInvitation.create({
            patientId: record._id,
            codeHash: crypto.blindIndex(code, INVITATION_CODE_CONTEXT),
            createdBy: new Types.ObjectId(accountId),
            createdAt: now,
            expiresAt,
            usedAt: null,
            usedBy: null,
          });
          deps.logger.info({ patientId, invitationId: created._id.toHexString() }, 'proxy invitation created');
          await logChange(record._id, accountId, 'proxy_invite');
          return { code, expiresAt };
        } catch (error) {
          if (attempt < 2 && isDuplicateOn(error, PROXY_INVITATION_CODE_INDEX)) continue;
          throw error;
        }
      }
    },

    async acceptProxyInvitation(accountId, code) {
      const { ProxyInvitation } = deps.models;
      const codeHash = crypto.blindIndex(code, INVITATION_CODE_CONTEXT);
      const invitation = await ProxyInvitation.findOne({ codeHash }).lean<ProxyInvitationRecord>();
      if (!invitation) throw invitationNotFound();
      const now = deps.clock.now();
      const refuse = (found: ProxyInvitationRecord): never => {
        if (found.usedAt !== null) throw invitationUsed();
        throw invitationExpired();
      };
      if (invitation.usedAt !== null || invitation.expiresAt <= now) refuse(invitation);
      const record = await Patient.findOne({ _id: invitation.patientId, deleted: false }).lean<PatientRecord>();
      // The owner deleted the patient after inviting: the invitation went with it.
      if (!record) throw invitationNotFound();
      if (record.ownerAccountId.toHexString() === accountId) throw proxyIsOwner();

      const account = new Types.ObjectId(accountId);
      // Spend the code first (atomically: two accounts racing with one code, one wins).
      const spent = await ProxyInvitation.findOneAndUpdate(
        { _id: invitation._id, usedAt: null, expiresAt: { $gt: now } },
        { $set: { usedAt: now, usedBy: account } },
        { new: true },
      ).lean<ProxyInvitationRecord>();
      if (!spent) refuse((await ProxyInvitation.findById(invitation._id).lean<ProxyInvitationRecord>()) ?? invitation);

      const updated = await Patient.findOneAndUpdate(
        { _id: record._id, deleted: false, 'proxies.accountId': { $ne: account } },
        { $push: { proxies: { accountId: account, since: now, invitationId: invitation._id } } },
        { new: true },
      ).lean<PatientRecord>();
      // Already a proxy (a second invitation accepted): nothing to add, the access stands.
      const current = updated ?? (await Patient.findOne({ _id: record._id, deleted: false }).lean<PatientRecord>());
      if (!current) throw invitationNotFound();
      if (updated) {
        deps.logger.info({ patientId: record._id.toHexString(), proxyAccountId: accountId }, 'proxy added');
        await logChange(record._id, accountId, 'proxy_accept', [], accountId);
      }
      return viewAs(accountId, current);
    },

    async listProxies(accountId, patientId) {
      const record = await load(accountId, patientId, 'manage');
      const proxies = [...(record.proxies ?? [])].sort((a, b) => a.since.getTime() - b.since.getTime());
      return Promise.all(
        proxies.map(async (proxy): Promise<PatientProxyView> => {
          const presented: PatientProxyView = { accountId: proxy.accountId.toHexString(), since: proxy.since };
          const nickname = await deps.accounts
            ?.getAccount(presented.accountId)
            .then((account) => account.nickname)
            .catch(() => undefined);
          if (nickname !== undefined) presented.nickname = nickname;
          return presented;
        }),
      );
    },

    async revokeProxy(accountId, patientId, proxyAccountId) {
      const record = await load(accountId, patientId, 'manage');
      if (!objectIdPattern.test(proxyAccountId)) throw proxyNotFound();
      const proxy = new Types.ObjectId(proxyAccountId);
      const { modifiedCount } = await Patient.updateOne(
        { _id: record._id, deleted: false, 'proxies.accountId': proxy },
        { $pull: { proxies: { accountId: proxy } } },
      );
      if (modifiedCount === 0) throw proxyNotFound();
      deps.logger.info({ patientId, proxyAccountId }, 'proxy revoked');
      await logChange(record._id, accountId, 'proxy_revoke', [], proxyAccountId);
    },

    async findForPolicy(patientId) {
      if (!objectIdPattern.test(patientId)) return null;
      const record = await Patient.findOne({ _id: new Types.ObjectId(patientId), deleted: false }).lean<PatientRecord>();
      if (!record) return null;
      return {
        subject: subjectOf(record),
        relationship: record.relationship,
        hospitalPatientId: record.hospitalPatientId,
        view: () => view(record),
      };
    },

    async accountsHolding(patientId) {
      if (!objectIdPattern.test(patientId)) return [];
      const record = await Patient.findOne({ _id: new Types.ObjectId(patientId), deleted: false }, { ownerAccountId: 1, proxies: 1 }).lean<PatientRecord>();
      if (!record) return [];
      const proxies = [...(record.proxies ?? [])].sort((a, b) => a.since.getTime() - b.since.getTime());
      return [...new Set([record.ownerAccountId.toHexString(), ...proxies.map((p) => p.accountId.toHexString())])];
    },

    async linkedToHospitalPatient(hospitalPatientId) {
      const [found] = await Patient.find({ hospitalPatientId, deleted: false }, { _id: 1, ownerAccountId: 1 })
        .sort({ createdAt: 1, _id: 1 })
        .limit(1)
        .lean<PatientRecord[]>();
      return found ? { id: found._id.toHexString(), ownerAccountId: found.ownerAccountId.toHexString() } : null;
    },
  };
}
