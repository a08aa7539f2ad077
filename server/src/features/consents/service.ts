import type { ConsentGrant, ConsentKind, ConsentWithdraw, SubscribeTemplate } from '@careloop/shared/contracts/consents';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logging/logger.js';
import type { PatientsService } from '../patients/service.js';
import type { ConsentModels, ConsentRecord } from './model.js';

/** How a withdrawal through the app is recorded. */
export const WITHDRAWN_BY_USER = 'user_request';
/** How a one-time subscribe-message template is recorded once a message used it. */
export const USED_BY_MESSAGE = 'used_by_message';

/** A consent record as the service hands it out. */
export interface ConsentView {
  id: string;
  kind: ConsentKind;
  version: string;
  patientId: string | null;
  grantedAt: Date;
  withdrawnAt: Date | null;
  withdrawnHow: string | null;
  actingAccountId: string;
  templateIds: SubscribeTemplate[];
}

/** Granting, withdrawing and listing consents, as the signed-in account. */
export interface ConsentsService {
  /** The consent records the account made, newest first. */
  list(accountId: string): Promise<ConsentView[]>;
  /** Records a new consent (a new record, even when one is already in force). */
  grant(accountId: string, input: ConsentGrant): Promise<ConsentView>;
  /** Withdraws the consent(s) in force that match; returns the records withdrawn (maybe none). */
  withdraw(accountId: string, input: ConsentWithdraw): Promise<ConsentView[]>;
  /**
   * Every consent record about a patient, in force or withdrawn, whoever made it (the owner or
   * a proxy), newest first — the facts the access policy needs for staff access. For the
   * account holder's own patient (`self`), the owner's consents about themself count too.
   */
  listForPatient(patient: { id: string; ownerAccountId: string; relationship: string }): Promise<ConsentView[]>;
  /**
   * Before a WeChat subscribe message is sent: the account's consent in force for the template,
   * if any. A `long_term` one stays in force; a `one_time` one (the oldest first) is used up by
   * this call — stamped `used_by_message`, the record's other templates re-recorded as still
   * allowed — so two sends never share one tap. Null: nothing may be sent.
   */
  useSubscribeTemplate(accountId: string, templateId: string): Promise<{ consentId: string; kind: SubscribeTemplate['kind'] } | null>;
}

/** What the consents service needs. */
export interface ConsentsServiceDeps {
  models: ConsentModels;
  /** Decides (through the access policy) whether the account may act for a patient. */
  patients: Pick<PatientsService, 'authorize'>;
  clock: Clock;
  logger: Logger;
}

function view(record: ConsentRecord): ConsentView {
  return {
    id: record._id.toHexString(),
    kind: record.kind,
    version: record.version,
    patientId: record.patientId?.toHexString() ?? null,
    grantedAt: record.grantedAt,
    withdrawnAt: record.withdrawnAt,
    withdrawnHow: record.withdrawnHow,
    actingAccountId: record.actingAccountId.toHexString(),
    templateIds: record.templateIds.map((t) => ({ id: t.id, kind: t.kind })),
  };
}

/** The consents service on the `consents` collection. */
export function createConsentsService(deps: ConsentsServiceDeps): ConsentsService {
  const { Consent } = deps.models;

  /** The patient the consent is about (checked by the policy), or null for the account holder. */
  const subject = async (accountId: string, patientId: string | undefined): Promise<Types.ObjectId | null> => {
    if (patientId === undefined) return null;
    const patient = await deps.patients.authorize(accountId, patientId, 'write');
    return new Types.ObjectId(patient.id);
  };

  /**
   * When some templates of a subscribe-message record end (withdrawn, or one-time and used), the
   * rest stay allowed as a new record: the history keeps the original, ended, and when the rest
   * were re-recorded.
   */
  const regrantRest = async (
    record: ConsentRecord,
    rest: ConsentRecord['templateIds'],
    actingAccountId: Types.ObjectId,
    now: Date,
  ): Promise<void> => {
    if (rest.length === 0) return;
    await Consent.create({
      actingAccountId,
      patientId: record.patientId,
      kind: record.kind,
      version: record.version,
      templateIds: rest,
      grantedAt: now,
      withdrawnAt: null,
      withdrawnHow: null,
      withdrawnBy: null,
    });
  };

  return {
    async list(accountId) {
      const records = await Consent.find({ actingAccountId: new Types.ObjectId(accountId) })
        .sort({ grantedAt: -1, _id: -1 })
        .lean<ConsentRecord[]>();
      return records.map(view);
    },

    async grant(accountId, input) {
      const patientId = await subject(accountId, input.patientId);
      const created = await Consent.create({
        actingAccountId: new Types.ObjectId(accountId),
        patientId,
        kind: input.kind,
        version: input.version,
        templateIds: input.templateIds ?? [],
        grantedAt: deps.clock.now(),
        withdrawnAt: null,
        withdrawnHow: null,
        withdrawnBy: null,
      });
      deps.logger.info({ consentId: created._id.toHexString(), kind: input.kind }, 'consent granted');
      return view(created.toObject());
    },

    async withdraw(accountId, input) {
      const patientId = await subject(accountId, input.patientId);
      const actor = new Types.ObjectId(accountId);
      // Consents about the account holder are the account's own; a patient's are anyone's who may act for them.
      const scope = patientId === null ? { patientId: null, actingAccountId: actor } : { patientId };
      const filter: Record<string, unknown> = { ...scope, kind: input.kind, withdrawnAt: null };
      if (input.templateIds !== undefined) filter['templateIds.id'] = { $in: input.templateIds };
      const inForce = await Consent.find(filter).lean<ConsentRecord[]>();
      const now = deps.clock.now();
      const withdrawn: ConsentView[] = [];
      for (const record of inForce) {
        const updated = await Consent.findOneAndUpdate(
          { _id: record._id, withdrawnAt: null },
          { $set: { withdrawnAt: now, withdrawnHow: WITHDRAWN_BY_USER, withdrawnBy: actor } },
          { new: true },
        ).lean<ConsentRecord>();
        if (!updated) continue;
        withdrawn.push(view(updated));
        // Withdrawing some templates of a record: the rest stay allowed (regrantRest).
        const rest = input.templateIds === undefined ? [] : record.templateIds.filter((t) => !input.templateIds!.includes(t.id));
        await regrantRest(record, rest, actor, now);
      }
      deps.logger.info({ kind: input.kind, withdrawn: withdrawn.length }, 'consent withdrawn');
      return withdrawn;
    },

    async useSubscribeTemplate(accountId, templateId) {
      const account = new Types.ObjectId(accountId);
      const inForce = await Consent.find({ actingAccountId: account, kind: 'subscribe_message', withdrawnAt: null, 'templateIds.id': templateId })
        .sort({ grantedAt: 1, _id: 1 })
        .lean<ConsentRecord[]>();
      const kindIn = (record: ConsentRecord) => record.templateIds.find((t) => t.id === templateId)?.kind;
      const lasting = inForce.find((record) => kindIn(record) === 'long_term');
      if (lasting) return { consentId: lasting._id.toHexString(), kind: 'long_term' };
      for (const record of inForce) {
        const now = deps.clock.now();
        // Conditional: of two sends racing for one tap, one wins and the other tries the next record.
        const used = await Consent.findOneAndUpdate(
          { _id: record._id, withdrawnAt: null },
          { $set: { withdrawnAt: now, withdrawnHow: USED_BY_MESSAGE, withdrawnBy: null } },
          { new: true },
        ).lean<ConsentRecord>();
        if (!used) continue;
        const rest = record.templateIds.filter((t) => t.id !== templateId);
        await regrantRest(record, rest, record.actingAccountId, now);
        deps.logger.info({ consentId: record._id.toHexString(), templateId }, 'one-time subscribe consent used');
        return { consentId: record._id.toHexString(), kind: 'one_time' };
      }
      return null;
    },

    async listForPatient(patient) {
      const about: Array<Record<string, unknown>> = [{ patientId: new Types.ObjectId(patient.id) }];
      if (patient.relationship === 'self') about.push({ patientId: null, actingAccountId: new Types.ObjectId(patient.ownerAccountId) });
      const records = await Consent.find({ $or: about }).sort({ grantedAt: -1, _id: -1 }).lean<ConsentRecord[]>();
      return records.map(view);
    },
  };
}
