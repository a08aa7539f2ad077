/** Why a persistence call failed; stable strings callers (and tests) can branch on. */
export type PersistenceErrorCode =
  /** Another process (or another open in this process) holds the data directory. */
  | 'data_dir_locked'
  /** A journal write failed and was rolled back; nothing of the batch is on disk. */
  | 'journal_write_failed'
  /** An fsync or rollback failed; what is on disk is unknown, so no further write is accepted. */
  | 'journal_unusable'
  /** A file that must be intact (a renamed snapshot, a checked record) does not decode. */
  | 'data_corrupt'
  /** The instance was closed. */
  | 'closed';

/**
 * The one error type persistence throws, so the server can tell "disk full, this write was not
 * kept" from "the data directory is in use" without parsing messages. The cause is kept.
 */
export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
