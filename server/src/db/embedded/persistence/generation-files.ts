import { open, readdir } from 'node:fs/promises';

/**
 * File naming for generations. Generation N is `snapshot-N.bson` (the state when generation N
 * began; absent for the very first generation) plus `journal-N.log` (every batch appended
 * after that). Recovery loads the highest snapshot and replays every journal from that
 * generation on, in order, so a crash anywhere in a checkpoint leaves a readable directory.
 */
export interface GenerationListing {
  /** Generations with a complete (renamed into place) snapshot, ascending. */
  snapshots: number[];
  /** Generations with a journal file, ascending. */
  journals: number[];
  /** Names of temp files from an interrupted snapshot write; never valid, always safe to delete. */
  temps: string[];
}

const SNAPSHOT_RE = /^snapshot-(\d+)\.bson$/;
const JOURNAL_RE = /^journal-(\d+)\.log$/;
const TEMP_RE = /^snapshot-\d+\.bson\.tmp$/;

const pad = (generation: number): string => String(generation).padStart(6, '0');

/** Name of generation `generation`'s journal. */
export const journalFileName = (generation: number): string => `journal-${pad(generation)}.log`;

/** Name of generation `generation`'s snapshot once it is complete. */
export const snapshotFileName = (generation: number): string => `snapshot-${pad(generation)}.bson`;

/** Name a snapshot is written under before the rename that makes it count. */
export const snapshotTempName = (generation: number): string => `${snapshotFileName(generation)}.tmp`;

/** Lists the generation files in `dir`; other files are ignored. */
export async function listGenerations(dir: string): Promise<GenerationListing> {
  const listing: GenerationListing = { snapshots: [], journals: [], temps: [] };
  for (const name of await readdir(dir)) {
    let match: RegExpExecArray | null;
    if ((match = SNAPSHOT_RE.exec(name))) listing.snapshots.push(Number(match[1]));
    else if ((match = JOURNAL_RE.exec(name))) listing.journals.push(Number(match[1]));
    else if (TEMP_RE.test(name)) listing.temps.push(name);
  }
  listing.snapshots.sort((a, b) => a - b);
  listing.journals.sort((a, b) => a - b);
  return listing;
}

/**
 * fsyncs a directory so that creations, renames and deletions in it survive a power cut;
 * fsyncing the file alone does not make its directory entry durable on Linux.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
