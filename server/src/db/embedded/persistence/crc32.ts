import zlib from 'node:zlib';

/** Signature shared by the native and the fallback implementation. */
type Crc32 = (data: Uint8Array, seed?: number) => number;

let table: Uint32Array | undefined;

/** Table-driven CRC-32 (IEEE, the zlib polynomial) for Node versions without `zlib.crc32`. */
export function crc32Portable(data: Uint8Array, seed = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  const t = table;
  let crc = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// `zlib.crc32` arrived in Node 20.15; it is native and an order of magnitude faster, and it
// computes the same CRC-32 as the fallback, so files stay readable whichever one wrote them.
const native = (zlib as { crc32?: Crc32 }).crc32;

/**
 * CRC-32 of `data`, continuing from `seed` (the CRC of the bytes before it). Every journal and
 * snapshot record carries one so a torn or garbled record is recognised and never applied.
 */
export const crc32: Crc32 = native ? (data, seed = 0) => native(data, seed) >>> 0 : crc32Portable;
