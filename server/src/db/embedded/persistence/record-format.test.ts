import { randomBytes } from 'node:crypto';
import { Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32.js';
import { decodeRecordPayload, encodeRecord, RECORD_HEADER_BYTES } from './record-format.js';

describe('record format', () => {
  it('computes the same CRC-32 natively and in JavaScript, so either can read the other’s files', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the standard check value
    for (const size of [0, 1, 7, 100, 4099]) {
      const data = randomBytes(size);
      expect(crc32Portable(data)).toBe(crc32(data));
      expect(crc32Portable(data.subarray(3), crc32Portable(data.subarray(0, 3)))).toBe(crc32(data));
    }
  });

  it('frames documents as one record and decodes them with their BSON types', () => {
    const id = new ObjectId();
    const record = encodeRecord([{ a: 1 }, { id, n: Long.fromString('9007199254740993') }]);
    expect(record.readUInt32LE(0)).toBe(record.length - RECORD_HEADER_BYTES);
    const docs = decodeRecordPayload(record.subarray(RECORD_HEADER_BYTES));
    expect(docs).toHaveLength(2);
    expect(docs[0]).toEqual({ a: 1 });
    expect(docs[1]!.id).toBeInstanceOf(ObjectId);
    expect(docs[1]!.id.equals(id)).toBe(true);
    expect(docs[1]!.n).toBeInstanceOf(Long);
    expect(docs[1]!.n.toString()).toBe('9007199254740993');
  });
});
