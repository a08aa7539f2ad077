import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { startCareLoop } from '../../server/src/main.js';
import { readJson } from '../support/app.js';
import { uniqueDbName, useTestMongo, type TestMongo } from '../support/mongo.js';

// The whole boot as `npm start` runs it (embedded hospital simulator behind the FHIR adapter),
// on the test database.

let mongo: TestMongo;
let dataDir: string;

beforeAll(async () => {
  mongo = await useTestMongo();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'careloop-main-'));
});

afterAll(async () => {
  await mongo?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('startCareLoop', () => {
  it('boots, serves the directory from the embedded simulator, and stops cleanly', async () => {
    const config = loadConfig({
      PORT: '0',
      CARELOOP_DATA_DIR: dataDir,
      MONGODB_URI: mongo.uri,
      MONGODB_DB: uniqueDbName('main'),
      H5_DIR: path.join(dataDir, 'no-h5'),
      LOG_LEVEL: 'silent',
    });
    const running = await startCareLoop(config);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const [health, institutions] = await Promise.all([fetch(`${running.url}/healthz`), fetch(`${running.url}/api/v1/institutions`)]);
    expect(await readJson(health)).toMatchObject({ status: 'ok' });
    expect((await readJson(institutions)).items.map((item: { id: string }) => item.id)).toEqual(['org-core', 'org-county', 'org-chc-east', 'org-chc-west']);

    // A request in flight when stop() begins still gets its answer.
    const inFlight = fetch(`${running.url}/api/v1/departments/dept-core-cardiology/doctors`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = running.stop();
    expect((await inFlight).status).toBe(200);
    await stopped;
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    // stop() is idempotent.
    await running.stop();
  });
});
