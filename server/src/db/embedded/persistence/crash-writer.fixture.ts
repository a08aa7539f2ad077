/**
 * Child process for the kill -9 test in persistence.test.ts: appends numbered batches as fast
 * as it can from many concurrent writers and prints each sequence number once its append is
 * acknowledged, so the parent knows exactly what must survive being killed; it prints
 * `checkpoint` as it starts one, so the parent can kill it in the middle of one.
 *
 * Usage: node --import tsx crash-writer.fixture.ts <dir> <batches> <checkpointEvery>
 */
import { Persistence, type JournalOp } from './persistence.js';

const [dir, batchArg = '2000', checkpointArg = '0'] = process.argv.slice(2);
if (!dir) throw new Error('usage: crash-writer.fixture.ts <dir> <batches> <checkpointEvery>');
const batches = Number(batchArg);
const checkpointEvery = Number(checkpointArg);
const writers = 48;

// The state the child would hold in memory, so checkpoints have something true to dump.
const state = new Map<string, JournalOp>();
const persistence = await Persistence.open({ dir, syncIntervalMs: 20 }, (op) => {
  if (op.op === 'put') state.set(String(op.doc._id), op);
});

let next = 0;
const filler = 'x'.repeat(1500);
async function writer(): Promise<void> {
  while (next < batches) {
    const seq = next++;
    const ops: JournalOp[] = [];
    for (let part = 0; part <= seq % 3; part++) {
      const op: JournalOp = { op: 'put', db: 'crash', coll: 'c', doc: { _id: `${seq}:${part}`, seq, part, filler } };
      state.set(`${seq}:${part}`, op);
      ops.push(op);
    }
    const acked = persistence.append(ops, { j: seq % 2 === 0 });
    if (checkpointEvery > 0 && seq > 0 && seq % checkpointEvery === 0) {
      process.stdout.write('checkpoint\n');
      persistence.checkpoint([...state.values()]).catch((error: unknown) => {
        process.stderr.write(`checkpoint failed: ${String(error)}\n`);
      });
    }
    await acked;
    process.stdout.write(`${seq}\n`); // pipes are synchronous on Linux: printed means delivered
  }
}
await Promise.all(Array.from({ length: writers }, writer));
process.stdout.write('done\n');
await persistence.close();
