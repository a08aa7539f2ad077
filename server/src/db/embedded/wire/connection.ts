import type { Socket } from 'node:net';
import type { Document } from 'bson';
import {
  decodeMessage,
  encodeLegacyReply,
  encodeMsgReply,
  Limits,
  MsgFlags,
  ProtocolError,
  readHeader,
  type IncomingCommand,
} from './messages.js';

/** Runs one decoded command and resolves to its reply document. Never rejects for a client's mistake. */
export type CommandRunner = (command: IncomingCommand, connection: WireConnection) => Promise<Document>;

/** Largest message we accept before closing the connection: MongoDB's limit plus header slack. */
const MAX_FRAME = Limits.maxMessageSizeBytes + 16 * 1024;

/**
 * One client socket: frames the byte stream into messages, runs them strictly in order (the
 * protocol replies in order on a connection), and writes replies. A malformed message gets an
 * error reply when it can still be framed; an unframeable stream closes this connection only.
 */
export class WireConnection {
  readonly id: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly socket: Socket,
    id: number,
    private readonly run: CommandRunner,
    private readonly onClose: (c: WireConnection) => void,
  ) {
    this.id = id;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** Closes the socket (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(this);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < 16 || length > MAX_FRAME) {
        // The stream cannot be framed any more: drop this connection, nobody else's.
        this.close();
        return;
      }
      if (this.buffered < length) return;
      const frame = this.take(length);
      this.enqueue(frame);
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let frame: Buffer;
    if (first.length === n) {
      frame = first;
      this.chunks.shift();
    } else if (first.length > n) {
      frame = first.subarray(0, n);
      this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      frame = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return frame;
  }

  private enqueue(frame: Buffer): void {
    this.queue = this.queue.then(() => this.handle(frame));
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const header = readHeader(frame);
    let command: IncomingCommand;
    try {
      command = decodeMessage(frame);
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : String(err);
      if (err instanceof ProtocolError && err.fatal) return this.close();
      // Answer in the shape the client can read; for an unknown opcode an OP_MSG error reply.
      this.write(encodeMsgReply(header.requestId, { ok: 0, errmsg: message, code: 22, codeName: 'InvalidBSON' }));
      return;
    }
    let reply: Document;
    try {
      reply = await this.run(command, this);
    } catch (err) {
      reply = { ok: 0, errmsg: `internal error: ${(err as Error).message}`, code: 1, codeName: 'InternalError' };
    }
    if (command.flags & MsgFlags.moreToCome) return; // fire-and-forget (w: 0): no reply expected
    if (isStreamingHello(command) && reply.ok === 1) {
      // The driver's streaming monitor: keep answering on this connection until it closes.
      void this.stream(command, this.encodeReply(command, header.requestId, reply, MsgFlags.moreToCome));
      return;
    }
    this.encodeReply(command, header.requestId, reply, 0);
  }

  /** Encodes and writes a reply; returns its request id (the next streamed reply answers it). */
  private encodeReply(command: IncomingCommand, responseTo: number, reply: Document, flags: number): number {
    const encode = (doc: Document): Buffer => (command.legacy ? encodeLegacyReply(responseTo, doc) : encodeMsgReply(responseTo, doc, flags));
    let out: Buffer;
    try {
      out = encode(reply);
    } catch (err) {
      // A reply that cannot be encoded (too large) is reported, not dropped.
      out = encode({ ok: 0, errmsg: `reply could not be encoded: ${(err as Error).message}`, code: 10334, codeName: 'BSONObjectTooLarge' });
    }
    this.write(out);
    return out.readInt32LE(4);
  }

  /**
   * Exhaust streaming of an awaitable hello (OP_MSG exhaustAllowed + moreToCome): every
   * maxAwaitTimeMS another reply, each answering the previous one, as MongoDB does.
   */
  private async stream(command: IncomingCommand, firstReplyId: number): Promise<void> {
    let previous = firstReplyId;
    while (!this.closed) {
      const reply = await this.run(command, this);
      if (this.closed) return;
      previous = this.encodeReply(command, previous, reply, reply.ok === 1 ? MsgFlags.moreToCome : 0);
      if (reply.ok !== 1) return;
    }
  }

  private write(buf: Buffer): void {
    if (!this.closed) this.socket.write(buf);
  }
}

/** An awaitable hello the client allows to be streamed (the driver's server monitor). */
function isStreamingHello(command: IncomingCommand): boolean {
  if (command.legacy || !(command.flags & MsgFlags.exhaustAllowed)) return false;
  const body = command.body;
  const name = Object.keys(body)[0];
  return (name === 'hello' || name === 'isMaster' || name === 'ismaster') && body.topologyVersion !== undefined && typeof body.maxAwaitTimeMS === 'number';
}
