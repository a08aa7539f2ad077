import { connect, type Socket } from 'node:net';
import { BSON, MongoClient, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueDbName, useTestMongo, usingRealMongo, type TestDocument, type TestMongo } from '../support/mongo.js';

// Whatever arrives on one socket — garbage, half a message, a lying length header — must cost
// that socket at most; every other client keeps working. Fault injection is aimed at the
// embedded server only: it is not something to do to a shared real MongoDB.

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

let mongo: TestMongo;
let client: MongoClient;
let db: Db;
let host: string;
let port: number;
let nextRequestId = 1;

beforeAll(async () => {
  if (usingRealMongo) return;
  mongo = await useTestMongo();
  const address = new URL(mongo.uri.replace(/^mongodb:\/\//, 'http://'));
  host = address.hostname;
  port = Number(address.port);
  client = await MongoClient.connect(mongo.uri);
  db = client.db(uniqueDbName('fault'));
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await mongo?.stop();
});

function header(length: number, requestId: number, opCode: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(0, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

/** A well-formed OP_MSG carrying `command` as its body section. */
function opMsg(command: Document, requestId = nextRequestId++): Buffer {
  const body = Buffer.from(BSON.serialize(command));
  const flags = Buffer.alloc(4);
  const section = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([header(16 + 4 + section.length, requestId, OP_MSG), flags, section]);
}

/** A well-formed legacy OP_QUERY, as drivers still send for their first handshake. */
function opQuery(collection: string, query: Document, requestId = nextRequestId++): Buffer {
  const flags = Buffer.alloc(4);
  const name = Buffer.from(`${collection}\0`, 'utf8');
  const skipAndReturn = Buffer.alloc(8);
  skipAndReturn.writeInt32LE(0, 0);
  skipAndReturn.writeInt32LE(-1, 4);
  const doc = Buffer.from(BSON.serialize(query));
  const rest = Buffer.concat([flags, name, skipAndReturn, doc]);
  return Buffer.concat([header(16 + rest.length, requestId, OP_QUERY), rest]);
}

function openSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves with the first complete wire message the server sends, or null if it closes first. */
function readMessage(socket: Socket, timeoutMs = 5_000): Promise<{ opCode: number; responseTo: number; payload: Buffer } | null> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const done = (value: { opCode: number; responseTo: number; payload: Buffer } | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
        const length = buffered.readInt32LE(0);
        done({ opCode: buffered.readInt32LE(12), responseTo: buffered.readInt32LE(8), payload: buffered.subarray(16, length) });
      }
    };
    const onClose = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readyState === 'closed') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
  });
}

function bodyOfOpMsg(payload: Buffer): Document {
  // flagBits (4 bytes), then section kind 0 (1 byte), then the BSON document.
  expect(payload[4]).toBe(0);
  return BSON.deserialize(payload.subarray(5));
}

function bodyOfOpReply(payload: Buffer): Document {
  // responseFlags (4), cursorID (8), startingFrom (4), numberReturned (4), then documents.
  expect(payload.readInt32LE(16)).toBe(1);
  return BSON.deserialize(payload.subarray(20));
}

/**
 * Runs inserts and finds through the driver until stopped; any error is kept. This is the
 * "other client" whose experience must not change while sockets next to it misbehave.
 */
function backgroundTraffic() {
  const coll = db.collection<TestDocument>(`traffic_${nextRequestId++}`);
  const errors: unknown[] = [];
  let inserted = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await coll.insertOne({ _id: inserted, at: new Date() });
        inserted += 1;
        const found = await coll.findOne({ _id: inserted - 1 });
        if (found?._id !== inserted - 1) errors.push(new Error(`read back ${JSON.stringify(found)}`));
      } catch (error) {
        errors.push(error);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { errors, inserted, stored: await coll.countDocuments() };
    },
  };
}

describe.skipIf(usingRealMongo)('wire protocol robustness (embedded server only)', () => {
  it('answers a well-formed OP_MSG and a legacy OP_QUERY handshake on a raw socket', async () => {
    const socket = await openSocket();
    try {
      socket.write(opMsg({ hello: 1, $db: 'admin' }, 4242));
      const reply = await readMessage(socket);
      expect(reply).not.toBeNull();
      expect(reply!.opCode).toBe(OP_MSG);
      expect(reply!.responseTo).toBe(4242);
      expect(bodyOfOpMsg(reply!.payload)).toMatchObject({ isWritablePrimary: true, ok: 1 });

      socket.write(opQuery('admin.$cmd', { isMaster: 1, helloOk: true }, 4343));
      const legacy = await readMessage(socket);
      expect(legacy).not.toBeNull();
      expect(legacy!.opCode).toBe(OP_REPLY);
      expect(legacy!.responseTo).toBe(4343);
      expect(bodyOfOpReply(legacy!.payload)).toMatchObject({ ismaster: true, ok: 1 });
    } finally {
      socket.destroy();
    }
  });

  it('reassembles a message that arrives one byte at a time', async () => {
    const socket = await openSocket();
    try {
      const message = opMsg({ ping: 1, $db: 'admin' }, 777);
      const reply = readMessage(socket);
      for (const byte of message) {
        socket.write(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
      const answered = await reply;
      expect(answered?.responseTo).toBe(777);
      expect(bodyOfOpMsg(answered!.payload)).toMatchObject({ ok: 1 });
    } finally {
      socket.destroy();
    }
  });

  it('answers two pipelined messages sent in one write, in order', async () => {
    const socket = await openSocket();
    try {
      const replies: number[] = [];
      let buffered = Buffer.alloc(0);
      const both = new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
            replies.push(buffered.readInt32LE(8));
            buffered = buffered.subarray(buffered.readInt32LE(0));
          }
          if (replies.length === 2) resolve();
        });
      });
      socket.write(Buffer.concat([opMsg({ ping: 1, $db: 'admin' }, 11), opMsg({ ping: 1, $db: 'admin' }, 12)]));
      await Promise.race([both, new Promise((r) => setTimeout(r, 5_000))]);
      expect(replies).toEqual([11, 12]);
    } finally {
      socket.destroy();
    }
  });

  it('closes sockets that send garbage or impossible lengths, while the driver carries on', async () => {
    const traffic = backgroundTraffic();

    const garbage = await openSocket();
    garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    const negative = await openSocket();
    negative.write(Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.alloc(60, 0xab)]));
    const tooSmall = await openSocket();
    tooSmall.write(Buffer.concat([header(5, 1, OP_MSG), Buffer.alloc(8)]));
    const oversize = await openSocket();
    oversize.write(Buffer.concat([header(100 * 1024 * 1024, 1, OP_MSG), Buffer.alloc(1024, 0x01)]));

    const closed = await Promise.all([garbage, negative, tooSmall, oversize].map((s) => closedWithin(s, 3_000)));
    for (const s of [garbage, negative, tooSmall, oversize]) s.destroy();
    expect(closed).toEqual([true, true, true, true]);

    const { errors, inserted, stored } = await traffic.stop();
    expect(errors).toEqual([]);
    expect(inserted).toBeGreaterThan(0);
    expect(stored).toBe(inserted);
  });

  it('survives truncated messages, unknown opcodes, malformed BSON and vanishing clients', async () => {
    const traffic = backgroundTraffic();
    const sockets: Socket[] = [];

    // A header promising 200 bytes, then only 30, then the client leaves.
    const truncated = await openSocket();
    sockets.push(truncated);
    truncated.write(Buffer.concat([header(200, 1, OP_MSG), Buffer.alloc(14)]));

    // A header promising 200 bytes, then only 30, and the client just waits.
    const stalled = await openSocket();
    sockets.push(stalled);
    stalled.write(Buffer.concat([header(200, 1, OP_MSG), Buffer.alloc(14)]));

    // A well-framed message with an opcode that does not exist.
    const unknownOp = await openSocket();
    sockets.push(unknownOp);
    unknownOp.write(Buffer.concat([header(16 + 8, 9, 9999), Buffer.alloc(8, 0x42)]));

    // A well-framed OP_MSG whose BSON claims more bytes than the message holds.
    const badBson = await openSocket();
    sockets.push(badBson);
    const lying = Buffer.alloc(5 + 20);
    lying[4] = 0;
    lying.writeInt32LE(4096, 5);
    badBson.write(Buffer.concat([header(16 + lying.length, 10, OP_MSG), lying]));

    // An unknown section kind.
    const badSection = await openSocket();
    sockets.push(badSection);
    const section = Buffer.concat([Buffer.alloc(4), Buffer.from([7]), Buffer.from(BSON.serialize({ ping: 1, $db: 'admin' }))]);
    badSection.write(Buffer.concat([header(16 + section.length, 11, OP_MSG), section]));

    // A command whose client disappears before the reply can be written.
    const vanishing = await openSocket();
    vanishing.write(opMsg({ find: 'traffic_anything', filter: {}, $db: db.databaseName }));
    vanishing.destroy();

    await new Promise((r) => setTimeout(r, 300));
    truncated.destroy();
    await new Promise((r) => setTimeout(r, 300));

    // Every malformed socket got an error reply or was closed; none was answered as if valid.
    for (const socket of [badBson, badSection]) {
      const reply = await readMessage(socket, 1_000);
      if (reply !== null) expect(bodyOfOpMsg(reply.payload).ok).toBe(0);
    }
    for (const s of sockets) s.destroy();

    const { errors, inserted, stored } = await traffic.stop();
    expect(errors).toEqual([]);
    expect(inserted).toBeGreaterThan(0);
    expect(stored).toBe(inserted);

    // The server still accepts new clients.
    const fresh = await MongoClient.connect(mongo.uri);
    try {
      expect(await fresh.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await fresh.close();
    }
  });

  it('keeps serving while a hundred sockets connect and drop at once', async () => {
    const traffic = backgroundTraffic();
    const sockets = await Promise.all(Array.from({ length: 100 }, () => openSocket()));
    sockets.forEach((socket, i) => (i % 2 === 0 ? socket.destroy() : socket.end(opMsg({ ping: 1, $db: 'admin' }))));
    await new Promise((r) => setTimeout(r, 300));
    const { errors, stored, inserted } = await traffic.stop();
    expect(errors).toEqual([]);
    expect(stored).toBe(inserted);
  });
});
