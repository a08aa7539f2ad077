import type { FileHandle } from 'node:fs/promises';
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, recordCrc } from './record-format.js';

/** Where a scan stopped and why. */
export interface ScanResult {
  /** Offset just past the last record that checked out: the file's valid length. */
  validEnd: number;
  /** Size of the file when the scan started. */
  fileSize: number;
  /** Number of intact records handed to the callback. */
  records: number;
  /**
   * Why the scan stopped before the end of the file, if it did. Unset when everything after
   * `validEnd` is zeros: that is a journal's preallocated run, the normal end after a crash.
   */
  damage?: string;
}

// Large reads keep replay of a 64 MiB journal to a few dozen syscalls.
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads records from `start` to the end of the file, calling `onRecord` with each payload whose
 * length and CRC check out, and stops at the first one that does not: after a crash that is the
 * torn tail, and nothing after it may be applied because batches must replay in order.
 * The payload passed to `onRecord` is only valid during the call.
 */
export async function scanRecords(
  file: FileHandle,
  start: number,
  onRecord: (payload: Buffer, offset: number) => void,
): Promise<ScanResult> {
  const fileSize = (await file.stat()).size;
  let pos = start; // file offset of `pending[0]`
  let pending = Buffer.alloc(0);
  let readPos = start;
  let records = 0;

  /** Makes `pending` hold at least `need` bytes; false when the file ends first. */
  const fill = async (need: number): Promise<boolean> => {
    if (pending.length >= need) return true;
    if (pos + need > fileSize) return false;
    const want = Math.max(need - pending.length, Math.min(READ_CHUNK_BYTES, fileSize - readPos));
    const chunk = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await file.read(chunk, got, want - got, readPos + got);
      if (bytesRead === 0) break; // the file shrank under us; treat as its end
      got += bytesRead;
    }
    readPos += got;
    pending = pending.length === 0 ? chunk.subarray(0, got) : Buffer.concat([pending, chunk.subarray(0, got)]);
    return pending.length >= need;
  };

  let damage: string | undefined;
  while (pos < fileSize) {
    if (!(await fill(RECORD_HEADER_BYTES))) {
      damage = `${fileSize - pos} trailing bytes at offset ${pos} are too short for a record header`;
      break;
    }
    const length = pending.readUInt32LE(0);
    if (length > MAX_RECORD_BYTES || pos + RECORD_HEADER_BYTES + length > fileSize) {
      damage = `the record at offset ${pos} claims ${length} bytes but only ${fileSize - pos - RECORD_HEADER_BYTES} follow`;
      break;
    }
    if (!(await fill(RECORD_HEADER_BYTES + length))) {
      damage = `the file ended while reading the record at offset ${pos}`;
      break;
    }
    const payload = pending.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
    if (recordCrc(pending.subarray(0, 4), payload) !== pending.readUInt32LE(4)) {
      damage = `the record at offset ${pos} (${length} bytes) fails its checksum`;
      break;
    }
    onRecord(payload, pos);
    records++;
    pending = pending.subarray(RECORD_HEADER_BYTES + length);
    pos += RECORD_HEADER_BYTES + length;
  }
  if (damage !== undefined && (await onlyZerosFrom(file, pending, readPos, fileSize))) damage = undefined;
  return { validEnd: pos, fileSize, records, ...(damage === undefined ? {} : { damage }) };
}

/** True when `pending` and the file from `readPos` to `fileSize` hold only zero bytes. */
async function onlyZerosFrom(file: FileHandle, pending: Buffer, readPos: number, fileSize: number): Promise<boolean> {
  if (!isZero(pending)) return false;
  const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(0, fileSize - readPos)));
  for (let pos = readPos; pos < fileSize; ) {
    const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, fileSize - pos), pos);
    if (bytesRead === 0) break;
    if (!isZero(chunk.subarray(0, bytesRead))) return false;
    pos += bytesRead;
  }
  return true;
}

function isZero(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
