import { Types } from 'mongoose';

/** A position in a newest-first list ordered by (time, _id): the last item a page returned. */
export interface TimeCursor {
  at: Date;
  id: Types.ObjectId;
}

/** The opaque `nextCursor` of a newest-first page: base64url of `[epoch ms, hex id]`. */
export function encodeTimeCursor(at: Date, id: Types.ObjectId): string {
  return Buffer.from(JSON.stringify([at.getTime(), id.toHexString()])).toString('base64url');
}

/** Reads a cursor made by {@link encodeTimeCursor}; null for anything else (the caller's 400). */
export function decodeTimeCursor(cursor: string): TimeCursor | null {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [at, id] = decoded as [unknown, unknown];
      if (typeof at === 'number' && Number.isSafeInteger(at) && typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)) {
        return { at: new Date(at), id: new Types.ObjectId(id) };
      }
    }
  } catch {
    // fall through: any undecodable cursor is refused the same way
  }
  return null;
}
