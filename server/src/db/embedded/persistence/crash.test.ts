import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocModel, tempDataDir } from './test-kit.js';
import { Persistence } from './persistence.js';

const fixture = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
});
afterEach(async () => {
  await remove();
});

/**
 * Runs the writer child and kills it with SIGKILL once `killAfter` acknowledgements arrived —
 * or, with `atCheckpoint`, at the first checkpoint it starts after that.
 */
function runAndKill(
  batches: number,
  checkpointEvery: number,
  killAfter: number,
  atCheckpoint = false,
): Promise<{ acked: number[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, String(batches), String(checkpointEvery)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let partial = '';
    let stderr = '';
    let done = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      let checkpointStarted = false;
      for (const line of lines) {
        if (line === 'done') done = true;
        else if (line === 'checkpoint') checkpointStarted = true;
        else acked.push(Number(line));
      }
      if (acked.length >= killAfter && (!atCheckpoint || checkpointStarted) && child.exitCode === null) {
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`writer exited with ${code}: ${stderr}`));
      else resolve({ acked, killed: signal === 'SIGKILL' && !done });
    });
  });
}

async function checkSurvivors(acked: number[]): Promise<number> {
  const model = new DocModel();
  const persistence = await Persistence.open({ dir }, model.apply);
  await persistence.close();
  const partsBySeq = new Map<number, number>();
  for (const { doc } of model.docs.values()) partsBySeq.set(doc.seq, (partsBySeq.get(doc.seq) ?? 0) + 1);
  const present = [...partsBySeq.keys()].sort((a, b) => a - b);
  // Batches are all-or-nothing…
  for (const seq of present) expect(partsBySeq.get(seq), `parts of batch ${seq}`).toBe((seq % 3) + 1);
  // …on disk in call order, so what survives is a prefix of the calls…
  expect(present).toEqual(present.map((_, i) => i));
  // …and that prefix includes everything acknowledged.
  const missing = acked.filter((seq) => !partsBySeq.has(seq));
  expect(missing).toEqual([]);
  return present.length;
}

describe('Persistence under kill -9', () => {
  it('keeps every acknowledged batch, whole, after SIGKILL mid-way through 2000 concurrent appends', async () => {
    const { acked, killed } = await runAndKill(2000, 0, 700);
    expect(killed).toBe(true);
    const survivors = await checkSurvivors(acked);
    console.log(`killed after ${acked.length} acks; ${survivors} batches survived`);
  });

  it('keeps every acknowledged batch when killed while checkpoints are running', async () => {
    const { acked, killed } = await runAndKill(4000, 300, 1500, true);
    expect(killed).toBe(true);
    const leftBehind = (await readdir(dir)).sort().join(' ');
    const survivors = await checkSurvivors(acked);
    console.log(`killed after ${acked.length} acks with checkpoints, leaving ${leftBehind}; ${survivors} batches survived`);
  });
});
