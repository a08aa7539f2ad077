import { maskPhone } from '@careloop/shared/domain/masking';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import type { FieldCrypto } from '../../crypto/field-crypto.js';
import { signPatientAccessToken, UnauthenticatedError } from '../../http/auth.js';
import type { WechatAuthApi } from '../../integrations/wechat/client.js';
import { isWechatApiError } from '../../integrations/wechat/errors.js';
import type { Logger } from '../../logging/logger.js';
import { InvalidPhoneCodeError, InvalidWechatCodeError, WechatUnavailableError } from './errors.js';
import type { AccountRecord, AuthModels } from './model.js';
import { createRefreshTokenStore } from './refresh-tokens.js';

/** Field-encryption contexts (bound as associated data: a ciphertext cannot be moved between fields). */
export const SESSION_KEY_CONTEXT = 'account.sessionKey';
export const PHONE_CONTEXT = 'account.phone';

/** An account as the service hands it out: no openid, no secrets, the phone masked. */
export interface PatientAccount {
  id: string;
  nickname?: string;
  largeText: boolean;
  phoneMasked?: string;
  createdAt: Date;
}

/** A signed-in session. */
export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  account: PatientAccount;
}

/** The settings a patient can change. */
export interface AccountChanges {
  largeText?: boolean;
  nickname?: string;
}

/** Patient sign-in and the account's own settings. */
export interface AuthService {
  /** Whether sign-in runs against the WeChat sandbox (demo identities). */
  readonly sandbox: boolean;
  /** A `wx.login` code → the account (created on first sign-in) and a new token family. */
  loginWithWechat(code: string): Promise<SignedIn>;
  /** Spends a refresh token for a new pair (reuse revokes the family). */
  refresh(refreshToken: string): Promise<SignedIn>;
  /** Revokes the sign-in the refresh token belongs to. */
  logout(refreshToken: string): Promise<void>;
  getAccount(accountId: string): Promise<PatientAccount>;
  updateAccount(accountId: string, changes: AccountChanges): Promise<PatientAccount>;
  /** A phone code → the phone, stored encrypted; returns it masked. */
  bindPhone(accountId: string, code: string): Promise<{ phoneMasked: string }>;
  /**
   * The account's openid under our AppID, for server-to-WeChat calls made for it (the payer of a
   * JSAPI order); null for an unknown account. Never for a response: the API hands no openid out.
   */
  openidOf(accountId: string): Promise<string | null>;
}

/** What the auth service needs. */
export interface AuthServiceDeps {
  models: AuthModels;
  wechat: WechatAuthApi;
  crypto: FieldCrypto;
  clock: Clock;
  logger: Logger;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  sandbox: boolean;
}

/** Builds the auth service. */
export function createAuthService(deps: AuthServiceDeps): AuthService {
  const { Account } = deps.models;
  const now = () => deps.clock.now();
  const tokens = createRefreshTokenStore({ models: deps.models, now, ttlMs: deps.refreshTokenTtlDays * 86_400_000 });

  const toAccount = (record: AccountRecord): PatientAccount => {
    const account: PatientAccount = { id: record._id.toHexString(), largeText: record.largeText, createdAt: record.createdAt };
    if (record.nickname !== undefined) account.nickname = record.nickname;
    if (record.phoneEnc !== undefined) account.phoneMasked = maskPhone(deps.crypto.decrypt(record.phoneEnc, PHONE_CONTEXT));
    return account;
  };

  const accessTokenFor = (accountId: Types.ObjectId) =>
    signPatientAccessToken(accountId.toHexString(), deps.jwtSecret, now(), deps.accessTokenTtlSeconds);

  /** The account of a verified access token; a token for a vanished account is unauthenticated. */
  const findAccount = async (accountId: string): Promise<AccountRecord> => {
    if (!Types.ObjectId.isValid(accountId)) throw new UnauthenticatedError('invalid');
    const record = await Account.findById(accountId).lean<AccountRecord>();
    if (!record) throw new UnauthenticatedError('invalid');
    return record;
  };

  const upsertAccount = async (openid: string, sessionKeyEnc: string, unionid: string | undefined): Promise<AccountRecord> => {
    const at = now();
    const update = {
      $set: { sessionKeyEnc, updatedAt: at, ...(unionid !== undefined ? { unionid } : {}) },
      $setOnInsert: { openid, largeText: false, createdAt: at },
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const record = await Account.findOneAndUpdate({ openid }, update, { upsert: true, new: true }).lean<AccountRecord>();
        if (!record) throw new Error('upsert returned no account');
        return record;
      } catch (error) {
        // Two first sign-ins of one user at once: one insert wins, the other finds it.
        if (attempt === 0 && (error as { code?: unknown }).code === 11000) continue;
        throw error;
      }
    }
  };

  return {
    sandbox: deps.sandbox,

    async loginWithWechat(code) {
      let session;
      try {
        session = await deps.wechat.code2Session(code);
      } catch (error) {
        if (isWechatApiError(error) && error.kind === 'invalid_code') throw new InvalidWechatCodeError({ cause: error });
        if (isWechatApiError(error)) throw new WechatUnavailableError({ cause: error });
        throw error;
      }
      const record = await upsertAccount(session.openid, deps.crypto.encrypt(session.sessionKey, SESSION_KEY_CONTEXT), session.unionid);
      const refreshToken = await tokens.issue(record._id);
      deps.logger.info({ accountId: record._id.toHexString() }, 'patient signed in with WeChat');
      return { accessToken: accessTokenFor(record._id), refreshToken, account: toAccount(record) };
    },

    async refresh(refreshToken) {
      const rotated = await tokens.rotate(refreshToken);
      const record = await Account.findById(rotated.accountId).lean<AccountRecord>();
      if (!record) {
        await tokens.revokeFamilyOf(rotated.refreshToken);
        throw new UnauthenticatedError('invalid');
      }
      return { accessToken: accessTokenFor(record._id), refreshToken: rotated.refreshToken, account: toAccount(record) };
    },

    async logout(refreshToken) {
      await tokens.revokeFamilyOf(refreshToken);
    },

    async getAccount(accountId) {
      return toAccount(await findAccount(accountId));
    },

    async updateAccount(accountId, changes) {
      await findAccount(accountId);
      const $set: Record<string, unknown> = { updatedAt: now() };
      if (changes.largeText !== undefined) $set.largeText = changes.largeText;
      if (changes.nickname !== undefined) $set.nickname = changes.nickname;
      const record = await Account.findByIdAndUpdate(accountId, { $set }, { new: true }).lean<AccountRecord>();
      if (!record) throw new UnauthenticatedError('invalid');
      return toAccount(record);
    },

    async bindPhone(accountId, code) {
      await findAccount(accountId);
      let phone;
      try {
        phone = await deps.wechat.getPhoneNumber(code);
      } catch (error) {
        if (isWechatApiError(error) && error.kind === 'invalid_code') throw new InvalidPhoneCodeError({ cause: error });
        if (isWechatApiError(error)) throw new WechatUnavailableError({ cause: error });
        throw error;
      }
      // Chinese numbers without +86; others keep their country code, so indexes never collide.
      const normalised = phone.countryCode === '' || phone.countryCode === '86' ? phone.purePhoneNumber : `+${phone.countryCode}${phone.purePhoneNumber}`;
      await Account.updateOne(
        { _id: accountId },
        {
          $set: {
            phoneEnc: deps.crypto.encrypt(normalised, PHONE_CONTEXT),
            phoneIndex: deps.crypto.blindIndex(normalised, PHONE_CONTEXT),
            updatedAt: now(),
          },
        },
      );
      deps.logger.info({ accountId }, 'patient bound a phone');
      return { phoneMasked: maskPhone(normalised) };
    },

    async openidOf(accountId) {
      if (!Types.ObjectId.isValid(accountId)) return null;
      const record = await Account.findById(accountId, { openid: 1 }).lean<Pick<AccountRecord, 'openid'>>();
      return typeof record?.openid === 'string' ? record.openid : null;
    },
  };
}
