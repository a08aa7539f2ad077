import type { Document } from 'bson';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { wantsJournal, type CommandContext } from './context.js';

/** commitTransaction: applies the transaction's writes atomically and journals them as one batch. */
export async function commitTransactionCommand(ctx: CommandContext): Promise<Document> {
  if (!ctx.txn) throw new MongoCommandError(ErrorCodes.InvalidOptions, 'commitTransaction must be run within a transaction');
  const ops = ctx.server.sessions.commit(ctx.txn);
  await ctx.server.catalog.commit(ops, wantsJournal(ctx.body));
  return { ok: 1 };
}

/** abortTransaction: discards the transaction's writes. */
export function abortTransactionCommand(ctx: CommandContext): Document {
  ctx.server.sessions.abortCommand(ctx.body);
  return { ok: 1 };
}
