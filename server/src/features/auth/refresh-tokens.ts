import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { RefreshTokenError } from './errors.js';
import type { AuthModels } from './model.js';

/**
 * Rotating refresh tokens with reuse detection. A token is 32 random bytes (base64url), stored
 * only as its SHA-256. Each sign-in starts a family; each refresh spends the presented token and
 * issues the next one in the same family. Presenting a spent token means two parties hold the
 * family (a stolen token): the whole family is revoked, so the thief and the victim both have to
 * sign in again — the victim notices, the thief is out.
 */

/** The hash under which a token is stored (and looked up). */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** A new opaque token. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the refresh-token store needs. */
export interface RefreshTokenStoreDeps {
  models: Pick<AuthModels, 'RefreshToken'>;
  now: () => Date;
  ttlMs: number;
}

/** Issues, rotates and revokes refresh tokens. */
export interface RefreshTokenStore {
  /** A token in a new family (sign-in). */
  issue(accountId: Types.ObjectId): Promise<string>;
  /** Spends `token` and returns the next one of its family with the account it belongs to. */
  rotate(token: string): Promise<{ accountId: Types.ObjectId; refreshToken: string }>;
  /** Revokes the family of `token`; unknown tokens are ignored (logout is idempotent). */
  revokeFamilyOf(token: string): Promise<void>;
}

/** The refresh-token store on the `refresh_tokens` collection. */
export function createRefreshTokenStore(deps: RefreshTokenStoreDeps): RefreshTokenStore {
  const { RefreshToken } = deps.models;

  const insert = async (accountId: Types.ObjectId, family: string): Promise<string> => {
    const token = generateRefreshToken();
    const now = deps.now();
    await RefreshToken.create({
      hash: hashRefreshToken(token),
      family,
      accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.ttlMs),
      usedAt: null,
      revokedAt: null,
    });
    return token;
  };

  const revokeFamily = async (family: string): Promise<void> => {
    await RefreshToken.updateMany({ family, revokedAt: null }, { $set: { revokedAt: deps.now() } });
  };

  return {
    issue: (accountId) => insert(accountId, randomUUID()),

    async rotate(token) {
      const record = await RefreshToken.findOne({ hash: hashRefreshToken(token) }).lean();
      if (!record) throw new RefreshTokenError('invalid_refresh_token');
      if (record.revokedAt) throw new RefreshTokenError('refresh_token_revoked');
      if (record.usedAt) {
        await revokeFamily(record.family);
        throw new RefreshTokenError('refresh_token_reused');
      }
      const now = deps.now();
      if (record.expiresAt.getTime() <= now.getTime()) throw new RefreshTokenError('refresh_token_expired');
      // Spend it atomically: of two concurrent refreshes with one token only one wins; the
      // other is a reuse like any other.
      const spent = await RefreshToken.findOneAndUpdate(
        { _id: record._id, usedAt: null, revokedAt: null },
        { $set: { usedAt: now } },
        { new: true },
      ).lean();
      if (!spent) {
        await revokeFamily(record.family);
        throw new RefreshTokenError('refresh_token_reused');
      }
      return { accountId: record.accountId, refreshToken: await insert(record.accountId, record.family) };
    },

    async revokeFamilyOf(token) {
      const record = await RefreshToken.findOne({ hash: hashRefreshToken(token) }).lean();
      if (record) await revokeFamily(record.family);
    },
  };
}
