import mongoose, { Schema, Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uniqueDbName, useTestMongo, type TestMongo } from '../support/mongo.js';

// The app talks to MongoDB through mongoose, so mongoose's own round trips (validation,
// index builds, populate, timestamps, transactions) must behave as they do on MongoDB.

interface DoctorShape {
  name: string;
  dept: string;
}

interface PatientShape {
  name: string;
  tags?: string[];
  age?: number;
  email?: string;
  doctor?: Types.ObjectId;
  createdAt?: Date;
  updatedAt?: Date;
}

const doctorSchema = new Schema<DoctorShape>({ name: { type: String, required: true }, dept: { type: String, required: true } });
const patientSchema = new Schema<PatientShape>(
  {
    name: { type: String, required: true },
    age: { type: Number, min: 0 },
    email: { type: String, unique: true, sparse: true },
    doctor: { type: Schema.Types.ObjectId, ref: 'Doctor' },
    tags: [String],
  },
  { timestamps: true },
);

let mongo: TestMongo;
let conn: Connection;
let Doctor: mongoose.Model<DoctorShape>;
let Patient: mongoose.Model<PatientShape>;

beforeAll(async () => {
  mongo = await useTestMongo();
  conn = await mongoose.createConnection(mongo.uri, { dbName: uniqueDbName('mongoose'), autoIndex: false }).asPromise();
  Doctor = conn.model('Doctor', doctorSchema);
  Patient = conn.model('Patient', patientSchema);
  await Doctor.createCollection();
  await Patient.createCollection();
  await Patient.syncIndexes();
});

afterAll(async () => {
  await conn?.dropDatabase();
  await conn?.close();
  await mongo?.stop();
});

beforeEach(async () => {
  await Patient.deleteMany({});
  await Doctor.deleteMany({});
});

describe('validation and constraints', () => {
  it('rejects an invalid document with a ValidationError naming each field, storing nothing', async () => {
    const error = await Patient.create({ age: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(mongoose.Error.ValidationError);
    const validation = error as mongoose.Error.ValidationError;
    expect(Object.keys(validation.errors).sort()).toEqual(['age', 'name']);
    expect(validation.errors.name!.kind).toBe('required');
    expect(validation.errors.age!.kind).toBe('min');
    expect(await Patient.countDocuments()).toBe(0);
  });

  it('builds the schema indexes and reports a unique violation as code 11000', async () => {
    const indexes = await Patient.listIndexes();
    expect(indexes.map((i) => ({ key: i.key, name: i.name, unique: i.unique, sparse: i.sparse }))).toEqual([
      { key: { _id: 1 }, name: '_id_', unique: undefined, sparse: undefined },
      { key: { email: 1 }, name: 'email_1', unique: true, sparse: true },
    ]);
    await Patient.create({ name: 'Ann', email: 'ann@x.cn' });
    const error = await Patient.create({ name: 'Ann Again', email: 'ann@x.cn' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'ann@x.cn' } });
    expect(await Patient.countDocuments()).toBe(1);
  });

  it('syncIndexes drops indexes the schema no longer declares', async () => {
    await Patient.collection.createIndex({ age: 1 });
    const dropped = await Patient.syncIndexes();
    expect(dropped).toEqual(['age_1']);
    expect((await Patient.listIndexes()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
  });
});

describe('documents and queries', () => {
  it('timestamps set createdAt and updatedAt, and updates move only updatedAt', async () => {
    const created = await Patient.create({ name: 'Bo', age: 30 });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.updatedAt!.getTime()).toBe(created.createdAt!.getTime());
    await new Promise((r) => setTimeout(r, 20));
    await Patient.updateOne({ _id: created._id }, { $set: { age: 31 } });
    const stored = await Patient.findById(created._id).lean();
    expect(stored!.age).toBe(31);
    expect(stored!.createdAt!.getTime()).toBe(created.createdAt!.getTime());
    expect(stored!.updatedAt!.getTime()).toBeGreaterThan(created.createdAt!.getTime());
  });

  it('lean returns plain objects with the stored fields, including __v', async () => {
    const created = await Patient.create({ name: 'Chen', age: 45 });
    const lean = await Patient.findOne({ name: 'Chen' }).select('name age').lean();
    expect(lean).not.toBeInstanceOf(mongoose.Document);
    expect(lean).toEqual({ _id: created._id, name: 'Chen', age: 45 });
    const full = await Patient.findById(created._id).lean();
    expect(full).toEqual({ _id: created._id, name: 'Chen', age: 45, tags: [], __v: 0, createdAt: created.createdAt, updatedAt: created.updatedAt });
  });

  it('populate replaces a reference with the referenced document', async () => {
    const doctor = await Doctor.create({ name: 'Dr. Wang', dept: 'cardio' });
    const patient = await Patient.create({ name: 'Dai', doctor: doctor._id });
    const found = await Patient.findById(patient._id).populate<{ doctor: DoctorShape & { _id: Types.ObjectId } }>('doctor').lean();
    expect(found!.doctor).toEqual({ _id: doctor._id, name: 'Dr. Wang', dept: 'cardio', __v: 0 });
    const many = await Patient.find().populate('doctor', 'name -_id').lean();
    expect(many.map((p) => p.doctor)).toEqual([{ name: 'Dr. Wang' }]);
  });

  it('runs queries, findOneAndUpdate and aggregates through the model', async () => {
    await Patient.insertMany([
      { name: 'A', age: 10 },
      { name: 'B', age: 20 },
      { name: 'C', age: 30 },
    ]);
    expect((await Patient.find({ age: { $gte: 15 } }).sort({ age: -1 }).select('name -_id').lean()).map((p) => p.name)).toEqual(['C', 'B']);
    expect(await Patient.countDocuments({ age: { $lt: 25 } })).toBe(2);
    const updated = await Patient.findOneAndUpdate({ name: 'A' }, { $inc: { age: 1 } }, { new: true }).lean();
    expect(updated!.age).toBe(11);
    const upserted = await Patient.findOneAndUpdate({ name: 'D' }, { $set: { age: 40 } }, { new: true, upsert: true }).lean();
    expect(upserted).toMatchObject({ name: 'D', age: 40 });
    expect(await Patient.aggregate([{ $group: { _id: null, total: { $sum: '$age' } } }])).toEqual([{ _id: null, total: 101 }]);
    expect(await Patient.deleteMany({ age: { $gte: 30 } })).toMatchObject({ acknowledged: true, deletedCount: 2 });
  });

  it('save() updates a changed document in place', async () => {
    const patient = await Patient.create({ name: 'Fang', age: 50 });
    patient.age = 51;
    await patient.save();
    expect(await Patient.findById(patient._id).select('age -_id').lean()).toEqual({ age: 51 });
  });
});

describe('versioning', () => {
  it('array changes bump __v, and a save based on a stale version fails with VersionError', async () => {
    const created = await Patient.create({ name: 'Lin', tags: ['a', 'b', 'c'] });
    const first = await Patient.findById(created._id);
    const second = await Patient.findById(created._id);
    first!.tags!.splice(0, 1);
    await first!.save();
    expect(await Patient.findById(created._id).select('tags __v -_id').lean()).toEqual({ tags: ['b', 'c'], __v: 1 });

    second!.tags!.splice(1, 1);
    const error = await second!.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(mongoose.Error.VersionError);
    expect(await Patient.findById(created._id).select('tags __v -_id').lean()).toEqual({ tags: ['b', 'c'], __v: 1 });
  });
});

describe('transactions', () => {
  it('connection.transaction() commits all writes together', async () => {
    await conn.transaction(async (session) => {
      const [doctor] = await Doctor.create([{ name: 'Dr. Li', dept: 'endo' }], { session });
      await Patient.create([{ name: 'Gu', doctor: doctor!._id }], { session });
      expect(await Patient.countDocuments()).toBe(0);
    });
    const patient = await Patient.findOne({ name: 'Gu' }).populate<{ doctor: DoctorShape }>('doctor').lean();
    expect(patient!.doctor.name).toBe('Dr. Li');
  });

  it('connection.transaction() rolls back when the callback throws', async () => {
    const failure = new Error('payment declined');
    const outcome = await conn
      .transaction(async (session) => {
        await Doctor.create([{ name: 'Dr. Zhao', dept: 'ortho' }], { session });
        await Patient.create([{ name: 'Hu' }], { session });
        throw failure;
      })
      .catch((e: unknown) => e);
    expect(outcome).toBe(failure);
    expect(await Doctor.countDocuments()).toBe(0);
    expect(await Patient.countDocuments()).toBe(0);
  });

  it('session.withTransaction works through mongoose models', async () => {
    const session = await conn.startSession();
    try {
      await session.withTransaction(async () => {
        await Patient.create([{ name: 'Ji', email: 'ji@x.cn' }], { session });
        await Patient.updateOne({ name: 'Ji' }, { $set: { age: 5 } }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect(await Patient.findOne({ name: 'Ji' }).select('name age email -_id').lean()).toEqual({ name: 'Ji', age: 5, email: 'ji@x.cn' });
  });

  it('a duplicate key inside a transaction aborts all of it', async () => {
    await Patient.create({ name: 'Kai', email: 'kai@x.cn' });
    const error = await conn
      .transaction(async (session) => {
        await Doctor.create([{ name: 'Dr. Sun', dept: 'cardio' }], { session });
        await Patient.create([{ name: 'Kai 2', email: 'kai@x.cn' }], { session });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000 });
    expect(await Doctor.countDocuments()).toBe(0);
    expect(await Patient.countDocuments()).toBe(1);
  });
});
