import { spawnSync } from 'node:child_process';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, Timestamp } from 'bson';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from './dir-lock.js';
import type { JournalOp } from './journal-op.js';
import { Persistence, PersistenceError } from './persistence.js';
import { encodeRecord } from './record-format.js';
import { openCollecting, tempDataDir } from './test-kit.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
});
afterEach(async () => {
  await remove();
});

const canonical = (ops: JournalOp[]): string[] => ops.map((op) => EJSON.stringify(op, { relaxed: false }));
const put = (id: number): JournalOp => ({ op: 'put', db: 'app', coll: 'c', doc: { _id: id, v: id * 10 } });
const journalPath = (): string => join(dir, 'journal-000001.log');
/** `_id`s of the documents a list of put ops carries. */
const ids = (ops: JournalOp[]): unknown[] => ops.map((op) => (op.op === 'put' ? op.doc._id : op.op));

describe('Persistence round trip', () => {
  it('replays exactly the appended ops, in order, with BSON types intact', async () => {
    const oid = new ObjectId();
    const batches: JournalOp[][] = [
      [
        { op: 'createColl', db: 'app', coll: 'patients', options: { validator: { $jsonSchema: { required: ['name'] } } } },
        { op: 'createIndex', db: 'app', coll: 'patients', spec: { key: { idCard: 1 }, name: 'idCard_1', unique: true } },
      ],
      [
        {
          op: 'put',
          db: 'app',
          coll: 'patients',
          doc: {
            _id: oid,
            name: '张三',
            balanceFen: Long.fromString('12345678901234567'),
            born: new Date('1980-02-29T08:00:00.000Z'),
            fee: Decimal128.fromString('12.30'),
            photo: new Binary(Buffer.from([0, 1, 2, 255]), 0),
            uuid: new Binary(Buffer.alloc(16, 7), 4),
            ts: new Timestamp({ t: 1700000000, i: 3 }),
            ratio: 0.5,
            count: 3,
            price: new Double(5), // an integral double must not come back an int
            negativeZero: new Double(-0),
            small: new Int32(-7),
            missing: null,
            nested: { visits: [{ at: new Date(0), tags: ['a', { deep: [1, [2, Long.fromInt(3)]] }] }] },
          },
        },
        { op: 'del', db: 'app', coll: 'patients', id: Long.fromInt(7) },
      ],
      [{ op: 'del', db: 'app', coll: 'patients', id: oid }],
      [
        { op: 'renameColl', db: 'app', from: 'patients', to: 'people', dropTarget: true },
        { op: 'dropIndex', db: 'app', coll: 'people', name: 'idCard_1' },
        { op: 'collMod', db: 'app', coll: 'people', options: { validationLevel: 'off' } },
        { op: 'dropColl', db: 'app', coll: 'people' },
        { op: 'dropDb', db: 'app' },
        { op: 'del', db: 'app', coll: 'x', id: 'plain-string-id' },
        { op: 'del', db: 'app', coll: 'x', id: { compound: 1, key: 'k' } },
      ],
    ];
    const first = await openCollecting({ dir });
    expect(first.replayed).toEqual([]);
    await Promise.all(batches.map((ops, i) => first.persistence.append(ops, { j: i % 2 === 0 })));
    await first.persistence.close();

    const second = await openCollecting({ dir });
    await second.persistence.close();
    expect(canonical(second.replayed)).toEqual(canonical(batches.flat()));
    const doc = (second.replayed[2] as JournalOp & { op: 'put' }).doc;
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(doc.balanceFen).toBeInstanceOf(Long);
    expect(doc.balanceFen.toString()).toBe('12345678901234567');
    expect(doc.born).toBeInstanceOf(Date);
    expect(doc.fee).toBeInstanceOf(Decimal128);
    expect(doc.fee.toString()).toBe('12.30');
    expect(doc.nested.visits[0].tags[1].deep[1][1]).toBeInstanceOf(Long);
    expect(doc.price).toBeInstanceOf(Double);
    expect(doc.price.value).toBe(5);
    expect(doc.ratio).toBe(0.5);
    expect(doc.count).toBe(3);
    expect(doc.small).toBe(-7); // Int32 is held as a plain number, as the wire layer does
    expect((second.replayed[3] as JournalOp & { op: 'del' }).id).toBeInstanceOf(Long);
    expect(second.replayed[0]).toEqual(batches[0]![0]);
    expect(second.persistence.recovery).toMatchObject({ journalBatches: 4, journalOps: 12, truncatedBytes: 0 });
  });

  it('starts empty in a new directory, creating it', async () => {
    const nested = join(dir, 'a', 'b');
    const { persistence, replayed } = await openCollecting({ dir: nested });
    expect(replayed).toEqual([]);
    await persistence.close();
    expect(await readdir(nested)).toEqual(['journal-000001.log']);
  });

  it('keeps appending to the same journal across restarts', async () => {
    for (let round = 0; round < 3; round++) {
      const { persistence, replayed } = await openCollecting({ dir });
      expect(ids(replayed)).toEqual(
        Array.from({ length: round * 2 }, (_, i) => i),
      );
      await persistence.append([put(round * 2)], { j: true });
      await persistence.append([put(round * 2 + 1)], { j: false });
      await persistence.close();
    }
  });

  it('treats an empty batch as a barrier that writes nothing', async () => {
    const { persistence } = await openCollecting({ dir });
    const pending = persistence.append([put(1)], { j: false });
    let firstDone = false;
    void pending.then(() => (firstDone = true));
    await persistence.append([], { j: true });
    expect(firstDone).toBe(true);
    await persistence.append([], { j: false });
    await persistence.close();
    const reopened = await openCollecting({ dir });
    await reopened.persistence.close();
    expect(ids(reopened.replayed)).toEqual([1]);
    expect(reopened.persistence.recovery.journalBatches).toBe(1);
  });

  it('rejects appends and checkpoints after close with code "closed"', async () => {
    const { persistence } = await openCollecting({ dir });
    await persistence.close();
    await expect(persistence.append([put(1)], { j: true })).rejects.toMatchObject({ code: 'closed' });
    await expect(persistence.checkpoint([])).rejects.toBeInstanceOf(PersistenceError);
    await persistence.close(); // idempotent
  });

  it('groups concurrent durable appends into far fewer fsyncs than appends', async () => {
    const { persistence } = await openCollecting({ dir });
    const started = performance.now();
    const n = 500;
    await Promise.all(Array.from({ length: n }, (_, i) => persistence.append([put(i)], { j: true })));
    const ms = performance.now() - started;
    await persistence.close();
    console.log(`${n} concurrent j:true appends in ${ms.toFixed(1)} ms (${Math.round((n / ms) * 1000)} ops/s)`);
    const { replayed, persistence: reopened } = await openCollecting({ dir });
    await reopened.close();
    expect(replayed).toHaveLength(n);
  });
});

describe('Persistence torn tail', () => {
  async function writeThree(): Promise<void> {
    const { persistence } = await openCollecting({ dir });
    await persistence.append([put(1)], { j: true });
    await persistence.append([put(2), put(3)], { j: true });
    await persistence.append([put(4)], { j: true });
    await persistence.close();
  }

  it('cuts off garbage after the last complete batch and keeps appending after it', async () => {
    await writeThree();
    const intact = (await stat(journalPath())).size;
    await appendFile(journalPath(), Buffer.from('garbage from a write that never finished'));

    const reopened = await openCollecting({ dir });
    expect(ids(reopened.replayed)).toEqual([1, 2, 3, 4]);
    expect(reopened.persistence.recovery.truncatedBytes).toBe(40);
    expect(reopened.persistence.recovery.warnings[0]).toMatch(/journal-000001\.log: cut off 40 bytes/);
    expect((await stat(journalPath())).size).toBe(intact);
    await reopened.persistence.append([put(5)], { j: true });
    await reopened.persistence.close();

    const again = await openCollecting({ dir });
    await again.persistence.close();
    expect(ids(again.replayed)).toEqual([1, 2, 3, 4, 5]);
    expect(again.persistence.recovery.truncatedBytes).toBe(0);
  });

  it('never applies half a batch: a record cut mid-way is dropped whole', async () => {
    await writeThree();
    const record = encodeRecord([put(6), put(7), put(8)]);
    await appendFile(journalPath(), record.subarray(0, record.length - 5));
    const reopened = await openCollecting({ dir });
    await reopened.persistence.close();
    expect(ids(reopened.replayed)).toEqual([1, 2, 3, 4]);
    expect(reopened.persistence.recovery.truncatedBytes).toBe(record.length - 5);
  });

  it('drops a last batch whose bytes were garbled, and a zero-filled tail', async () => {
    await writeThree();
    const bytes = await readFile(journalPath());
    bytes[bytes.length - 3] ^= 0xff; // inside the last record's payload
    await writeFile(journalPath(), Buffer.concat([bytes, Buffer.alloc(4096)]));
    const reopened = await openCollecting({ dir });
    await reopened.persistence.close();
    expect(ids(reopened.replayed)).toEqual([1, 2, 3]);
    expect(reopened.persistence.recovery.warnings[0]).toMatch(/checksum/);
  });

  it('repairs a journal whose header a crash cut short', async () => {
    await writeFile(journalPath(), Buffer.from('CLJ'));
    const { persistence, replayed } = await openCollecting({ dir });
    expect(replayed).toEqual([]);
    await persistence.append([put(1)], { j: true });
    await persistence.close();
    const again = await openCollecting({ dir });
    await again.persistence.close();
    expect(ids(again.replayed)).toEqual([1]);
  });

  it('refuses a journal file that is not ours instead of overwriting it', async () => {
    await writeFile(journalPath(), Buffer.from('not a journal at all'));
    await expect(openCollecting({ dir })).rejects.toMatchObject({ code: 'data_corrupt' });
    // The failed open released the lock.
    await writeFile(journalPath(), Buffer.alloc(0));
    const { persistence } = await openCollecting({ dir });
    await persistence.close();
  });
});

describe('Persistence lock', () => {
  it('fails a second open of the same directory with a clear message, and allows it after close', async () => {
    const first = await Persistence.open({ dir }, () => undefined);
    const second = Persistence.open({ dir }, () => undefined);
    await expect(second).rejects.toMatchObject({ code: 'data_dir_locked' });
    await expect(second).rejects.toThrow(/is in use: it is already open in this process/);
    await first.close();
    const third = await Persistence.open({ dir }, () => undefined);
    await third.close();
  });

  it('fails when another live process holds the directory', async () => {
    // The parent of this test process is alive for as long as the test runs.
    await writeFile(
      join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: process.ppid, host: 'elsewhere', openedAt: '2024-01-01T00:00:00.000Z' }),
    );
    await expect(Persistence.open({ dir }, () => undefined)).rejects.toThrow(
      new RegExp(`process ${process.ppid} on elsewhere has held it since 2024-01-01`),
    );
  });

  it('takes over a lock left by a process that was killed', async () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    await writeFile(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: deadPid, host: 'h', openedAt: 'then' }));
    const persistence = await Persistence.open({ dir }, () => undefined);
    const lock = JSON.parse(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await persistence.close();
    expect(await readdir(dir)).not.toContain(LOCK_FILE_NAME);
  });
});
