import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWechatSandboxApp, SANDBOX_APPID, SANDBOX_SECRET, type SandboxSubscribeMessage, type WechatSandboxOptions } from './app.js';

/**
 * The embedded WeChat sandbox on its own port: the default when `WECHAT_APPID`/`WECHAT_SECRET`
 * are not set, and what the API tests sign in against.
 */

export { createWechatSandboxApp, sandboxOpenid, SANDBOX_APPID, SANDBOX_SECRET } from './app.js';
export type { SandboxSubscribeMessage, WechatSandboxApp, WechatSandboxOptions } from './app.js';

/** Options of a running sandbox. */
export interface StartWechatSandboxOptions extends WechatSandboxOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** 127.0.0.1 by default (the sandbox hands out identities to anyone who asks). */
  host?: string;
}

/** A running sandbox. */
export interface RunningWechatSandbox {
  /** Stands in for `https://api.weixin.qq.com`, e.g. `http://127.0.0.1:PORT`. */
  baseUrl: string;
  appid: string;
  secret: string;
  sessionKeyOf(openid: string): string | undefined;
  expireAccessTokens(): void;
  /** Subscribe messages the sandbox accepted, oldest first. */
  subscribeMessages(): SandboxSubscribeMessage[];
  /** Makes sends of a template fail with a WeChat errcode; `null` clears it. */
  failSubscribe(templateId: string, errcode: number | null): void;
  /** Forgets recorded subscribe messages and failures. */
  resetSubscribe(): void;
  stop(): Promise<void>;
}

/** Starts the sandbox. */
export async function startWechatSandbox(options: StartWechatSandboxOptions = {}): Promise<RunningWechatSandbox> {
  const host = options.host ?? '127.0.0.1';
  const sandbox = createWechatSandboxApp(options);
  const server = createServer(sandbox.app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `http://${reachableHost}:${port}`,
    appid: options.appid ?? SANDBOX_APPID,
    secret: options.secret ?? SANDBOX_SECRET,
    sessionKeyOf: (openid) => sandbox.sessionKeyOf(openid),
    expireAccessTokens: () => sandbox.expireAccessTokens(),
    subscribeMessages: () => sandbox.subscribeMessages(),
    failSubscribe: (templateId, errcode) => sandbox.failSubscribe(templateId, errcode),
    resetSubscribe: () => sandbox.resetSubscribe(),
    stop: () => {
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 200).unref();
      });
      return stopping;
    },
  };
}
