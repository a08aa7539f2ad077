import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** A Koa app listening on an ephemeral port, for middleware tests that go through real HTTP. */
export interface ListeningApp {
  url: string;
  close(): Promise<void>;
}

/** Starts `app` on 127.0.0.1:0. Test helper; production listens in main.ts. */
export async function listen(app: Koa<never> | Koa): Promise<ListeningApp> {
  const server = http.createServer((app as Koa).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A response body as JSON, untyped on purpose: tests assert the exact shape at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted with toEqual, not trusted
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
