import { deserialize, serialize, type Document } from 'bson';
import { DESERIALIZE_OPTIONS, normalizeNumbers } from '../wire/messages.js';
import { crc32 } from './crc32.js';
import { PersistenceError } from './persistence-error.js';

/**
 * On-disk framing shared by journals and snapshots. A file starts with an 8-byte magic that
 * names its kind and format version, followed by records:
 *
 *   [u32 LE payload length][u32 LE CRC-32 of (length bytes ‖ payload)][payload]
 *
 * The payload is a run of BSON documents back to back. One record is one atomic batch: the CRC
 * covers all of it, so after a crash a batch is either whole or recognised as torn.
 */
export const RECORD_HEADER_BYTES = 8;

/** Largest payload a header may claim; a bigger value can only be a garbled header. */
export const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

/** Magic at the start of a journal file (format version 1). */
export const JOURNAL_MAGIC = Buffer.from('CLJRNL01', 'latin1');

/** Magic at the start of a snapshot file (format version 1). */
export const SNAPSHOT_MAGIC = Buffer.from('CLSNAP01', 'latin1');

/** Both magics have this length; it is also the offset of a file's first record. */
export const MAGIC_BYTES = 8;

/** CRC a record header must carry for `payload`; the length is covered so a bit flip there is caught too. */
export function recordCrc(lengthBytes: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(lengthBytes));
}

/**
 * Frames already-serialised BSON documents as one record, copying them into a single buffer so
 * the writer can hand many records to one write(2).
 */
export function frameRecord(parts: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const part of parts) size += part.length;
  if (size > MAX_RECORD_BYTES) {
    throw new PersistenceError(
      'journal_write_failed',
      `a batch of ${size} bytes is larger than the ${MAX_RECORD_BYTES}-byte record limit; split the write`,
    );
  }
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + size);
  record.writeUInt32LE(size, 0);
  let offset = RECORD_HEADER_BYTES;
  for (const part of parts) {
    record.set(part, offset);
    offset += part.length;
  }
  record.writeUInt32LE(recordCrc(record.subarray(0, 4), record.subarray(RECORD_HEADER_BYTES)), 4);
  return record;
}

/** Serialises documents and frames them as one record. */
export function encodeRecord(docs: readonly Document[]): Buffer {
  return frameRecord(docs.map((doc) => serialize(doc)));
}

/**
 * Splits a record payload whose CRC already checked out back into documents, with numbers held
 * exactly the way the wire layer hands them to the engine (its options and `normalizeNumbers`:
 * Long stays Long, an integral Double stays a Double wrapper, Int32 becomes a number). Anything
 * else would change a field's BSON type across a restart: `{ price: 5.0 }` would come back an
 * int. Every document is decoded from its own copy because `bson` returns Binary values as
 * views into the input buffer, and a view would pin the whole read chunk in memory for as long
 * as the engine keeps the document.
 */
export function decodeRecordPayload(payload: Uint8Array): Document[] {
  const docs: Document[] = [];
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let offset = 0;
  while (offset < payload.length) {
    const size = offset + 4 <= payload.length ? view.getInt32(offset, true) : -1;
    if (size < 5 || offset + size > payload.length) {
      throw new PersistenceError(
        'data_corrupt',
        `a record passed its checksum but holds a malformed BSON document at payload offset ${offset}`,
      );
    }
    // Uint8Array#set copies; Buffer#slice would not.
    const own = new Uint8Array(size);
    own.set(payload.subarray(offset, offset + size));
    const doc = deserialize(own, DESERIALIZE_OPTIONS);
    normalizeNumbers(doc);
    docs.push(doc);
    offset += size;
  }
  return docs;
}
