import { Schema, type Connection, type Model } from 'mongoose';
import { StaffRoleSchema, type StaffRole } from '@careloop/shared/contracts/staff';

/**
 * Staff accounts, their login sessions, and failure counters for usernames that do not exist
 * (so an unknown name locks out exactly like a real one and never reveals which is which).
 */

/** A staff account (`staff_accounts`). `_id` is a readable id, e.g. `staff-doctor-core`. */
export interface StaffAccountRecord {
  _id: string;
  /** Login name, lower case, unique. */
  username: string;
  displayName: string;
  /** argon2id PHC string; never leaves the server. */
  passwordHash: string;
  role: StaffRole;
  /** The institution the account works in, or `alliance` for an alliance admin. */
  institutionId: string;
  /** TOTP secret (base32) encrypted with FieldCrypto, context `staff.totpSecret`; admins only. */
  totpSecretEnc: string | null;
  /** The last TOTP time step accepted, so one code cannot be replayed within its window. */
  totpLastStep: number | null;
  /** Consecutive failed logins since the last success or lock. */
  failedAttempts: number;
  /** Logins are refused until then. */
  lockedUntil: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

/**
 * One login (`staff_sessions`), `_id` is the token's `jti`. Logout sets `revokedAt`; a token
 * whose session is missing or revoked is refused. MongoDB drops the document at `expiresAt`.
 */
export interface StaffSessionRecord {
  _id: string;
  staffId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** Failed logins for a username no account has (`staff_login_failures`), `_id` the username. */
export interface UnknownLoginFailureRecord {
  _id: string;
  failedAttempts: number;
  lockedUntil: Date | null;
  /** MongoDB drops the counter this long after the last failure. */
  expiresAt: Date;
}

/** The staff-auth mongoose models, bound to one connection. */
export interface StaffAuthModels {
  Account: Model<StaffAccountRecord>;
  Session: Model<StaffSessionRecord>;
  UnknownFailure: Model<UnknownLoginFailureRecord>;
}

const common = { versionKey: false } as const;

const accountSchema = new Schema<StaffAccountRecord>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: StaffRoleSchema.options },
    institutionId: { type: String, required: true },
    totpSecretEnc: { type: String, default: null },
    totpLastStep: { type: Number, default: null },
    failedAttempts: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    lastLoginAt: { type: Date, default: null },
  },
  { ...common, collection: 'staff_accounts' },
);
accountSchema.index({ username: 1 }, { unique: true });

const sessionSchema = new Schema<StaffSessionRecord>(
  {
    _id: { type: String, required: true },
    staffId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { ...common, collection: 'staff_sessions' },
);
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
sessionSchema.index({ staffId: 1 });

const unknownFailureSchema = new Schema<UnknownLoginFailureRecord>(
  {
    _id: { type: String, required: true },
    failedAttempts: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { ...common, collection: 'staff_login_failures' },
);
unknownFailureSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/**
 * Registers the staff-auth models on a connection (idempotent) without waiting for anything;
 * `indexesBuilt` resolves when the indexes (the unique username, the TTLs) exist.
 */
export function registerStaffAuthModels(connection: Connection): StaffAuthModels & { indexesBuilt: Promise<void> } {
  const models: StaffAuthModels = {
    Account: connection.models.StaffAccount ?? connection.model('StaffAccount', accountSchema),
    Session: connection.models.StaffSession ?? connection.model('StaffSession', sessionSchema),
    UnknownFailure: connection.models.StaffUnknownLoginFailure ?? connection.model('StaffUnknownLoginFailure', unknownFailureSchema),
  };
  const indexesBuilt = Promise.all(Object.values(models).map((model: Model<unknown>) => model.createIndexes())).then(() => undefined);
  // Callers await it before every use; this only keeps an early failure from being "unhandled".
  indexesBuilt.catch(() => {});
  return { ...models, indexesBuilt };
}
