import { MongoClient, type Collection, type Db } from 'mongodb';
import type { CpuTime } from './process-cpu.js';
import { emailOf, patientRow } from './patient-rows.js';
import { BIG_ROWS, SMALL_ROWS, type DataSet, type GroupRow, type Session, type SystemUnderTest } from './system-under-test.js';

const COLLECTION: Record<DataSet, string> = { big: 'patients_big', small: 'patients_small' };
const SEED_BATCH = 1_000;
const DURABLE = { writeConcern: { w: 1, j: true } } as const;

interface PatientDoc {
  _id: number;
  email: string;
  grp: number;
  x: number;
  name: string;
  note: string;
  createdAt: Date;
}

interface SlotDoc {
  _id: string;
  remaining: number;
}

interface EventDoc {
  _id: string;
  patientId: number;
  kind: string;
  at: Date;
  amountFen: number;
}

/** Where the server under test listens and which process to charge its CPU to. */
export interface MongoEndpoint {
  label: string;
  uri: string;
  serverCpu(): CpuTime;
}

/** The same work through the official mongodb driver, with `j: true` wherever PostgreSQL commits durably. */
export function mongoSystem(endpoint: MongoEndpoint): SystemUnderTest {
  const admin = new MongoClient(endpoint.uri, { maxPoolSize: 1 });
  const db = (client: MongoClient): Db => client.db('bench');

  return {
    label: endpoint.label,
    serverCpu: endpoint.serverCpu,

    async seed() {
      await admin.connect();
      const bench = db(admin);
      await bench.dropDatabase();
      for (const [set, rows] of [['big', BIG_ROWS], ['small', SMALL_ROWS]] as const) {
        const collection = bench.collection<PatientDoc>(COLLECTION[set]);
        for (let start = 0; start < rows; start += SEED_BATCH) {
          const batch: PatientDoc[] = [];
          for (let i = start; i < Math.min(rows, start + SEED_BATCH); i++) {
            const { id, ...fields } = patientRow(i);
            batch.push({ _id: id, ...fields });
          }
          await collection.insertMany(batch);
        }
        await collection.createIndex({ email: 1 }, { unique: true });
      }
      await bench.createCollection('slots');
      await bench.createCollection('events');
    },

    async resetSlot(slot, remaining) {
      await db(admin).collection<SlotDoc>('slots').updateOne({ _id: slot }, { $set: { remaining } }, { upsert: true, ...DURABLE });
    },

    async slotRemaining(slot) {
      const doc = await db(admin).collection<SlotDoc>('slots').findOne({ _id: slot });
      return doc?.remaining ?? Number.NaN;
    },

    async openSession(clients) {
      const client = new MongoClient(endpoint.uri, { maxPoolSize: Math.max(1, clients) });
      await client.connect();
      return mongoSession(client);
    },

    async close() {
      await admin.close();
    },
  };
}

function mongoSession(client: MongoClient): Session {
  const bench = client.db('bench');
  const patients: Record<DataSet, Collection<PatientDoc>> = {
    big: bench.collection<PatientDoc>(COLLECTION.big),
    small: bench.collection<PatientDoc>(COLLECTION.small),
  };
  const slots = bench.collection<SlotDoc>('slots');
  const events = bench.collection<EventDoc>('events');

  return {
    async readById(id) {
      const doc = await patients.big.findOne({ _id: id });
      if (doc?._id !== id) throw new Error(`read by _id ${id} returned ${JSON.stringify(doc)}`);
    },

    async readByEmail(set, i) {
      const doc = await patients[set].findOne({ email: emailOf(i) });
      if (doc?._id !== i) throw new Error(`read by email ${i} returned ${JSON.stringify(doc)}`);
    },

    async takeFromSlot(slot) {
      const doc = await slots.findOneAndUpdate(
        { _id: slot, remaining: { $gt: 0 } },
        { $inc: { remaining: -1 } },
        { returnDocument: 'after', ...DURABLE },
      );
      return doc !== null;
    },

    async insertEvent(id, patientId) {
      const result = await events.insertOne(
        { _id: id, patientId, kind: 'registration.paid', at: new Date(), amountFen: 2500 },
        DURABLE,
      );
      if (result.insertedId !== id) throw new Error(`insert ${id} acknowledged ${String(result.insertedId)}`);
    },

    async groupBy() {
      const rows = await patients.big
        .aggregate<{ _id: number; n: number; s: number }>([
          { $group: { _id: '$grp', n: { $sum: 1 }, s: { $sum: '$x' } } },
        ])
        .toArray();
      return rows.map((row) => ({ grp: row._id, n: row.n, s: row.s }) satisfies GroupRow);
    },

    async close() {
      await client.close();
    },
  };
}
