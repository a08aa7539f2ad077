import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { uniqueDbName, useTestMongo, type TestMongo } from './mongo.js';

/** The H5 build the BFF serves (npm test builds it before the browser tests). */
export const h5Dir = join(import.meta.dirname, '..', '..', 'miniprogram', 'dist-h5');

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A whole CareLoop (BFF + simulators) started for a browser test, with its own data folder. */
export interface BrowserTestApp {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the real app (`startCareLoop`, as `npm start` runs it) on a free port and a fresh
 * database of `mongoUri`, serving the H5 build; `env` adds or overrides configuration.
 */
export async function startBrowserTestApp(mongoUri: string, label: string, env: Record<string, string> = {}): Promise<BrowserTestApp> {
  if (!existsSync(join(h5Dir, 'index.html'))) {
    throw new Error('the H5 app is not built: run `node scripts/build.mjs` (npm test does) before the browser tests');
  }
  const dataDir = mkdtempSync(join(tmpdir(), `careloop-${label}-`));
  const { loadConfig } = await import('../../server/src/config.js');
  const { startCareLoop } = await import('../../server/src/main.js');
  const running = await startCareLoop(
    loadConfig({
      PORT: '0',
      CARELOOP_DATA_DIR: dataDir,
      MONGODB_URI: mongoUri,
      MONGODB_DB: uniqueDbName(label),
      H5_DIR: h5Dir,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  return {
    url: running.url,
    dataDir,
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers the hooks of a browser test file: a test MongoDB, the app on it, and Chromium;
 * read them through the returned getters inside tests.
 */
export function useBrowserApp(label: string): { readonly mongo: TestMongo; readonly app: BrowserTestApp; readonly browser: Browser } {
  let mongo: TestMongo | undefined;
  let app: BrowserTestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mongo = await useTestMongo();
    app = await startBrowserTestApp(mongo.uri, label);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await mongo?.stop();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is not ready: read it inside a test, after beforeAll`);
    return value;
  };
  return {
    get mongo() {
      return ready(mongo, 'mongo');
    },
    get app() {
      return ready(app, 'app');
    },
    get browser() {
      return ready(browser, 'browser');
    },
  };
}
