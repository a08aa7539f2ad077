import { ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import type { BookingDeps } from './context.js';

/**
 * The payer's openid for a JSAPI order, read from the sign-in accounts. The auth service has no
 * openid lookup (its API never hands the openid out), so this reads its `accounts` collection —
 * the openid field only; move it behind an `AuthService` method when auth grows one.
 */
export function accountOpenids(connection: Connection): BookingDeps['accounts'] {
  return {
    async openidOf(accountId) {
      if (!ObjectId.isValid(accountId) || connection.db === undefined) return null;
      const account = await connection.db.collection<{ openid?: string }>('accounts').findOne({ _id: new ObjectId(accountId) }, { projection: { openid: 1 } });
      return typeof account?.openid === 'string' ? account.openid : null;
    },
  };
}
