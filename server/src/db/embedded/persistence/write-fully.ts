import type { FileHandle } from 'node:fs/promises';

/**
 * Writes all of `data` at `position`. write(2) on a regular file may write less than asked
 * (a full disk, a signal), and a short write that went unnoticed would leave a hole the next
 * record is written after, so it loops until done or until the kernel reports an error.
 */
export async function writeFully(file: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`write(2) made no progress at offset ${position + done}`);
    done += bytesWritten;
  }
}
