import { MongoClient, MongoServerError, ObjectId, Timestamp, type CommandStartedEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useConformanceDb, usingRealMongo } from '../support/mongo.js';

// What the driver learns from the first exchange decides everything after it: sessions,
// transactions, retryable writes, batch splitting. These are MongoDB 7's replica-set answers.

const t = useConformanceDb('handshake');

describe('hello', () => {
  it('presents a writable replica-set primary with MongoDB limits', async () => {
    const before = Date.now();
    const hello = await t.db.admin().command({ hello: 1 });

    expect(hello).toMatchObject({
      isWritablePrimary: true,
      secondary: false,
      maxBsonObjectSize: 16777216,
      maxMessageSizeBytes: 48000000,
      maxWriteBatchSize: 100000,
      logicalSessionTimeoutMinutes: 30,
      minWireVersion: 0,
      readOnly: false,
      ok: 1,
    });
    expect(hello.setName).toEqual(usingRealMongo ? expect.any(String) : 'rs0');
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(17);
    expect(hello.hosts).toEqual(expect.arrayContaining([hello.primary]));
    expect(hello.me).toBe(hello.primary);
    expect(typeof hello.connectionId).toBe('number');
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(Math.abs(hello.localTime.getTime() - before)).toBeLessThan(60_000);
    // Replica-set members also describe their topology version, election and last write.
    expect(hello).toMatchObject({
      topologyVersion: { processId: expect.any(ObjectId) },
      electionId: expect.any(ObjectId),
      lastWrite: { lastWriteDate: expect.any(Date) },
      setVersion: expect.any(Number),
    });
  });

  it('answers the legacy isMaster spelling with ismaster: true', async () => {
    const reply = await t.db.admin().command({ isMaster: 1 });
    expect(reply).toMatchObject({ ismaster: true, secondary: false, maxWriteBatchSize: 100000, ok: 1 });
    expect(reply.isWritablePrimary).toBeUndefined();
  });
});

describe('basic commands', () => {
  it('ping replies ok: 1', async () => {
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('buildInfo reports a MongoDB-shaped version', async () => {
    const info = await t.db.admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.versionArray).toHaveLength(4);
    expect(info.versionArray.slice(0, 2)).toEqual(info.version.split('.').slice(0, 2).map(Number));
    expect(info.maxBsonObjectSize).toBe(16777216);
    expect(info.ok).toBe(1);
  });

  it('rejects an unknown command with CommandNotFound (59)', async () => {
    const error = await t.db.command({ frobnicate: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound', message: "no such command: 'frobnicate'" });
  });
});

describe('cluster time', () => {
  it('every reply from a replica-set member carries $clusterTime and operationTime', async () => {
    const reply = await t.db.command({ ping: 1 });
    expect(reply.$clusterTime.clusterTime).toBeInstanceOf(Timestamp);
    expect(reply.operationTime).toBeInstanceOf(Timestamp);
    const write = await t.db.command({ insert: 'cluster_time', documents: [{ _id: 1 }] });
    expect(write.operationTime).toBeInstanceOf(Timestamp);
    expect(write.operationTime.compare(reply.operationTime)).toBeGreaterThanOrEqual(0);
  });

  it('a causally consistent session reads its own writes via afterClusterTime', async () => {
    const started: CommandStartedEvent[] = [];
    const monitored = await MongoClient.connect(t.mongo.uri, { monitorCommands: true });
    monitored.on('commandStarted', (event) => started.push(event));
    const session = monitored.startSession({ causalConsistency: true });
    try {
      const coll = monitored.db(t.db.databaseName).collection<{ _id: number; v: string }>('causal');
      await coll.insertOne({ _id: 1, v: 'written' }, { session });
      expect(session.operationTime).toBeInstanceOf(Timestamp);
      expect(await coll.findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'written' });
      const find = started.find((e) => e.commandName === 'find' && e.command.find === 'causal');
      expect(find?.command.readConcern?.afterClusterTime).toBeInstanceOf(Timestamp);
    } finally {
      await session.endSession();
      await monitored.close();
    }
  });
});

describe('connecting', () => {
  it('also accepts a direct connection', async () => {
    const direct = await MongoClient.connect(t.mongo.uri, { directConnection: true });
    try {
      const coll = direct.db(t.db.databaseName).collection<{ _id: number }>('direct');
      await coll.insertOne({ _id: 1 });
      expect(await coll.find().toArray()).toEqual([{ _id: 1 }]);
    } finally {
      await direct.close();
    }
  });

  it('runs commands on a session the driver started (logical sessions are supported)', async () => {
    const session = t.client.startSession();
    try {
      const coll = t.db.collection<{ _id: number }>('sessions');
      await coll.insertOne({ _id: 1 }, { session });
      expect(await coll.findOne({ _id: 1 }, { session })).toEqual({ _id: 1 });
      expect(session.id?.id).toBeDefined();
    } finally {
      await session.endSession();
    }
  });
});

describe('server monitoring', () => {
  it('streams awaitable hello replies: heartbeats keep succeeding and the server never drops to Unknown', async () => {
    const monitored = new MongoClient(t.mongo.uri, { heartbeatFrequencyMS: 500, serverMonitoringMode: 'stream' });
    const failures: string[] = [];
    let awaited = 0;
    monitored.on('serverHeartbeatFailed', (e) => failures.push(e.failure.message));
    monitored.on('serverHeartbeatSucceeded', (e) => {
      if (e.awaited) awaited++;
    });
    monitored.on('serverDescriptionChanged', (e) => {
      if (e.newDescription.type === 'Unknown') failures.push('server became Unknown');
    });
    try {
      await monitored.connect();
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      expect(failures).toEqual([]);
      expect(awaited).toBeGreaterThanOrEqual(3);
      expect(await monitored.db(t.db.databaseName).command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await monitored.close();
    }
  });
});
