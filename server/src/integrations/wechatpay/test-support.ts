import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WechatPayClient, type WechatPayClientOptions } from './client.js';
import type { WechatPayNotifyRequest } from './port.js';
import { startWechatPaySandbox, type RunningWechatPaySandbox, type StartWechatPaySandboxOptions } from './sandbox/index.js';

/**
 * Test kit of the WeChat Pay tests: a settable clock, a notify receiver (a real HTTP endpoint
 * recording notifies exactly as received), and a sandbox with a client wired to both.
 */

/** A clock tests move by hand. */
export interface TestClock {
  now(): Date;
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(at: Date | string = new Date()): TestClock {
  let ms = new Date(at).getTime();
  return {
    now: () => new Date(ms),
    set: (value) => {
      ms = new Date(value).getTime();
    },
    advance: (delta) => {
      ms += delta;
    },
  };
}

/** A notify endpoint on 127.0.0.1 that records every request and answers with the next queued status (default 204). */
export interface NotifyReceiver {
  url: string;
  received: WechatPayNotifyRequest[];
  /** Statuses for the next requests, in order; afterwards 204. */
  answer(...statuses: number[]): void;
  /** Resolves when `count` notifies have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<WechatPayNotifyRequest[]>;
  close(): Promise<void>;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function startNotifyReceiver(): Promise<NotifyReceiver> {
  const received: WechatPayNotifyRequest[] = [];
  const queued: number[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        headers: {
          'wechatpay-timestamp': headerOf(req, 'wechatpay-timestamp'),
          'wechatpay-nonce': headerOf(req, 'wechatpay-nonce'),
          'wechatpay-signature': headerOf(req, 'wechatpay-signature'),
          'wechatpay-serial': headerOf(req, 'wechatpay-serial'),
          'wechatpay-signature-type': headerOf(req, 'wechatpay-signature-type'),
        } as WechatPayNotifyRequest['headers'],
        rawBody: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = queued.shift() ?? 204;
      res.end(res.statusCode === 204 ? undefined : JSON.stringify({ code: 'FAIL', message: 'not now' }));
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/payments/wechat/notify`,
    received,
    answer: (...statuses) => {
      queued.push(...statuses);
    },
    waitFor: async (count, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} notifies, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The logger calls a client made, for asserting retries were logged. */
export interface RecordedLog {
  level: 'warn' | 'debug';
  obj: object;
  msg: string;
}

/** A sandbox, a notify receiver and a client of the sandbox. */
export interface PaymentRig {
  clock: TestClock;
  sandbox: RunningWechatPaySandbox;
  receiver: NotifyReceiver;
  client: WechatPayClient;
  logs: RecordedLog[];
  /** Another client of the same sandbox with other options. */
  clientWith(overrides: Partial<WechatPayClientOptions>): WechatPayClient;
  stop(): Promise<void>;
}

export async function startPaymentRig(
  options: { verification?: StartWechatPaySandboxOptions['verification']; clock?: TestClock; client?: Partial<WechatPayClientOptions> } & Partial<
    Pick<StartWechatPaySandboxOptions, 'notifyRetryDelaysMs' | 'refundDelayMs'>
  > = {},
): Promise<PaymentRig> {
  const clock = options.clock ?? testClock();
  const receiver = await startNotifyReceiver();
  const sandbox = await startWechatPaySandbox({
    now: () => clock.now(),
    verification: options.verification ?? 'public_key',
    notifyRetryDelaysMs: options.notifyRetryDelaysMs ?? [50, 50],
    refundDelayMs: options.refundDelayMs ?? 60_000,
  });
  const logs: RecordedLog[] = [];
  const clientWith = (overrides: Partial<WechatPayClientOptions>) =>
    new WechatPayClient({
      ...sandbox.clientOptions,
      notifyUrl: () => receiver.url,
      timeoutMs: 2_000,
      now: () => clock.now(),
      logger: { warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }), debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }) },
      ...options.client,
      ...overrides,
    });
  return {
    clock,
    sandbox,
    receiver,
    client: clientWith({}),
    logs,
    clientWith,
    stop: async () => {
      await sandbox.stop();
      await receiver.close();
    },
  };
}
