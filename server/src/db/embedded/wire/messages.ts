import { deserialize, serialize, type Document, type Double, type Int32 } from 'bson';
import { crc32c } from './crc32c.js';

/** MongoDB wire-protocol opcodes the embedded server understands. */
export const OpCode = {
  REPLY: 1,
  QUERY: 2004,
  COMPRESSED: 2012,
  MSG: 2013,
} as const;

/** OP_MSG flag bits. */
export const MsgFlags = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const;

/** Limits we advertise in `hello` and enforce on input, exactly MongoDB's defaults. */
export const Limits = {
  maxBsonObjectSize: 16 * 1024 * 1024,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
} as const;

/**
 * Options used for every document the server decodes: numbers arrive wrapped so that
 * `normalizeNumbers` can keep exactly the types JS numbers cannot carry (Long, integral Double).
 */
export const DESERIALIZE_OPTIONS = { promoteValues: false, promoteLongs: false, validation: { utf8: false } } as const;

/**
 * Turns Int32 and non-integral Double wrappers into JS numbers in place (they serialize back to
 * the same BSON type), keeping Long, Decimal128 and integral Double wrappers, which would not.
 */
export function normalizeNumbers(value: Document | unknown[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalizeValue(value[i]);
    return;
  }
  for (const key in value) value[key] = normalizeValue(value[key]);
}

function normalizeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'Int32') return (v as Int32).value;
  if (tag === 'Double') {
    const n = (v as Double).value;
    return Number.isInteger(n) && !Object.is(n, -0) ? v : n;
  }
  if (tag !== undefined || v instanceof Date || v instanceof RegExp) return v;
  normalizeNumbers(v as Document);
  return v;
}

/** A parsed message header. */
export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A decoded command, whichever opcode carried it. */
export interface IncomingCommand {
  header: MessageHeader;
  /** The command document, with OP_MSG document sequences merged in as arrays (as MongoDB does). */
  body: Document;
  /** OP_MSG flags (0 for OP_QUERY). */
  flags: number;
  /** Legacy OP_QUERY: reply with OP_REPLY. */
  legacy: boolean;
  /** Legacy OP_QUERY's namespace (e.g. "admin.$cmd"). */
  legacyNs?: string;
}

/** A message the server cannot decode; the connection answers with an error or closes. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    /** When true the stream can no longer be framed and the connection must close. */
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Reads the 16-byte header at the start of `buf`. */
export function readHeader(buf: Buffer): MessageHeader {
  return {
    messageLength: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

function readBsonAt(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document', false);
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError(`invalid BSON document length ${size}`, false);
  if (size > Limits.maxBsonObjectSize + 16 * 1024) {
    throw new ProtocolError(`BSON document of ${size} bytes exceeds the maximum of ${Limits.maxBsonObjectSize}`, false);
  }
  try {
    const doc = deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
    normalizeNumbers(doc);
    return { doc, next: offset + size };
  } catch (err) {
    throw new ProtocolError(`invalid BSON: ${(err as Error).message}`, false);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated C string', false);
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

/** Decodes one complete message (header included). Throws ProtocolError for anything malformed. */
export function decodeMessage(buf: Buffer): IncomingCommand {
  const header = readHeader(buf);
  const end = header.messageLength;
  if (header.opCode === OpCode.MSG) {
    const flags = buf.readUInt32LE(16);
    let sectionsEnd = end;
    if (flags & MsgFlags.checksumPresent) {
      sectionsEnd = end - 4;
      const expected = buf.readUInt32LE(sectionsEnd);
      if (crc32c(buf, 0, sectionsEnd) !== expected) throw new ProtocolError('OP_MSG checksum mismatch', false);
    }
    // Bits 2-15 are required bits: an unknown one must be rejected.
    if (flags & 0xfffc) throw new ProtocolError(`unsupported OP_MSG flag bits ${flags & 0xfffc}`, false);
    let offset = 20;
    let body: Document | undefined;
    const sequences: Array<{ id: string; docs: Document[] }> = [];
    while (offset < sectionsEnd) {
      const kind = buf[offset];
      offset += 1;
      if (kind === 0) {
        if (body) throw new ProtocolError('OP_MSG has more than one body section', false);
        const r = readBsonAt(buf, offset, sectionsEnd);
        body = r.doc;
        offset = r.next;
      } else if (kind === 1) {
        if (offset + 4 > sectionsEnd) throw new ProtocolError('truncated document sequence', false);
        const size = buf.readInt32LE(offset);
        const seqEnd = offset + size;
        if (size < 5 || seqEnd > sectionsEnd) throw new ProtocolError('invalid document sequence length', false);
        const id = readCString(buf, offset + 4, seqEnd);
        let p = id.next;
        const docs: Document[] = [];
        while (p < seqEnd) {
          const r = readBsonAt(buf, p, seqEnd);
          docs.push(r.doc);
          p = r.next;
        }
        sequences.push({ id: id.value, docs });
        offset = seqEnd;
      } else {
        throw new ProtocolError(`unknown OP_MSG section kind ${kind}`, false);
      }
    }
    if (!body) throw new ProtocolError('OP_MSG has no body section', false);
    for (const seq of sequences) {
      if (seq.id in body) throw new ProtocolError(`duplicate field ${seq.id} in body and document sequence`, false);
      body[seq.id] = seq.docs;
    }
    return { header, body, flags, legacy: false };
  }
  if (header.opCode === OpCode.QUERY) {
    let offset = 20; // flags(4) after the header
    const ns = readCString(buf, offset, end);
    offset = ns.next + 8; // numberToSkip, numberToReturn
    const q = readBsonAt(buf, offset, end);
    let body = q.doc;
    // Legacy commands may wrap the command as {$query: {...}, $readPreference: ...}.
    if (body.$query && typeof body.$query === 'object') body = body.$query as Document;
    const dbName = ns.value.split('.')[0] ?? 'admin';
    if (!ns.value.endsWith('.$cmd')) throw new ProtocolError('OP_QUERY is only supported for commands', false);
    return { header, body: { ...body, $db: dbName }, flags: 0, legacy: true, legacyNs: ns.value };
  }
  throw new ProtocolError(`unsupported opcode ${header.opCode}`, false);
}

let nextRequestId = 1;

/** Encodes an OP_MSG reply carrying one body document. */
export function encodeMsgReply(responseTo: number, reply: Document, flags = 0): Buffer {
  const bson = serialize(reply);
  const out = Buffer.allocUnsafe(21 + bson.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OpCode.MSG, 12);
  out.writeUInt32LE(flags, 16);
  out[20] = 0;
  out.set(bson, 21);
  return out;
}

/** Encodes a legacy OP_REPLY carrying one document (answers to OP_QUERY commands). */
export function encodeLegacyReply(responseTo: number, reply: Document): Buffer {
  const bson = serialize(reply);
  const out = Buffer.allocUnsafe(36 + bson.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OpCode.REPLY, 12);
  out.writeInt32LE(0, 16); // responseFlags
  out.writeBigInt64LE(0n, 20); // cursorID
  out.writeInt32LE(0, 28); // startingFrom
  out.writeInt32LE(1, 32); // numberReturned
  out.set(bson, 36);
  return out;
}
