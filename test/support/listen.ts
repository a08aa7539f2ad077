import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** A Koa app served on a free loopback port for an API test. */
export interface ListeningApp {
  url: string;
  /** Cuts open connections and stops listening. */
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 at a free port. */
// Any state type: the helper only needs the request callback.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listenOnLoopback(app: Koa<any>): Promise<ListeningApp> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
