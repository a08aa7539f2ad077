import { Schema, Types, type Connection, type Model } from 'mongoose';

/**
 * Patient accounts (one per WeChat openid, across the whole alliance) and their refresh
 * tokens. Secrets and personal data are stored only encrypted (`*Enc`, FieldCrypto) or hashed.
 */

/** A patient account. */
export interface AccountRecord {
  _id: Types.ObjectId;
  openid: string;
  /** Present only when WeChat sent one (the app is bound to an open-platform account). */
  unionid?: string;
  /** The latest WeChat `session_key`, encrypted (context `account.sessionKey`). */
  sessionKeyEnc: string;
  /** The bound phone, encrypted (context `account.phone`). */
  phoneEnc?: string;
  /** Blind index of the phone (context `account.phone`), to find an account by phone. */
  phoneIndex?: string;
  nickname?: string;
  largeText: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** One refresh token; only its SHA-256 is stored. Tokens of one sign-in share a `family`. */
export interface RefreshTokenRecord {
  _id: Types.ObjectId;
  /** base64url SHA-256 of the token. */
  hash: string;
  family: string;
  accountId: Types.ObjectId;
  createdAt: Date;
  /** The database drops the document after this instant (TTL index); the service also checks it. */
  expiresAt: Date;
  /** Set when the token was exchanged for a new one; presenting it again is a reuse. */
  usedAt: Date | null;
  /** Set when its family was revoked (logout, reuse detected). */
  revokedAt: Date | null;
}

/** The auth feature's models, bound to one connection. */
export interface AuthModels {
  Account: Model<AccountRecord>;
  RefreshToken: Model<RefreshTokenRecord>;
}

const accountSchema = new Schema<AccountRecord>(
  {
    openid: { type: String, required: true },
    unionid: { type: String },
    sessionKeyEnc: { type: String, required: true },
    phoneEnc: { type: String },
    phoneIndex: { type: String },
    nickname: { type: String },
    largeText: { type: Boolean, required: true, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'accounts' },
);
accountSchema.index({ openid: 1 }, { unique: true });
accountSchema.index({ unionid: 1 }, { unique: true, sparse: true });
accountSchema.index({ phoneIndex: 1 }, { sparse: true });

const refreshTokenSchema = new Schema<RefreshTokenRecord>(
  {
    hash: { type: String, required: true },
    family: { type: String, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'refresh_tokens' },
);
refreshTokenSchema.index({ hash: 1 }, { unique: true });
refreshTokenSchema.index({ family: 1 });
refreshTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** Registers the auth models on a connection (idempotent) and builds their indexes. */
export async function createAuthModels(connection: Connection): Promise<AuthModels> {
  const models: AuthModels = {
    Account: connection.models.Account ?? connection.model('Account', accountSchema),
    RefreshToken: connection.models.RefreshToken ?? connection.model('RefreshToken', refreshTokenSchema),
  };
  await Promise.all(Object.values(models).map((model: Model<unknown>) => model.createIndexes()));
  return models;
}
