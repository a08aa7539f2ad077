import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPaths } from '@careloop/shared';
import { loadConfig } from '../../server/src/config.js';
import { startCareLoop } from '../../server/src/main.js';
import { readJson } from '../support/app.js';
import { uniqueDbName, useTestMongo, type TestMongo } from '../support/mongo.js';

// Sign-in as `npm start` runs it: no WeChat credentials → the embedded sandbox; no keys
// configured → generated once into the data folder (0600) and reused after a restart.

let mongo: TestMongo;
let dataDir: string;

beforeAll(async () => {
  mongo = await useTestMongo();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'careloop-auth-boot-'));
});

afterAll(async () => {
  await mongo?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('sign-in with the embedded defaults', () => {
  it('starts the WeChat sandbox, generates 0600 keys, and keeps accounts, tokens and phones readable after a restart', async () => {
    const config = loadConfig({
      PORT: '0',
      CARELOOP_DATA_DIR: dataDir,
      MONGODB_URI: mongo.uri,
      MONGODB_DB: uniqueDbName('authboot'),
      H5_DIR: path.join(dataDir, 'no-h5'),
      LOG_LEVEL: 'silent',
      DIRECTORY_SYNC_INTERVAL_MS: '3600000',
    });
    const first = await startCareLoop(config);
    let signedIn;
    try {
      expect(await readJson(await fetch(`${first.url}/api/v1${AuthPaths.config}`))).toEqual({ sandbox: true });
      const login = await post(`${first.url}/api/v1${AuthPaths.wechatLogin}`, { code: 'sandbox:alice' });
      expect(login.status).toBe(200);
      signedIn = await readJson(login);
      const phone = await post(`${first.url}/api/v1${AuthPaths.wechatPhone}`, { code: 'sandbox-phone:13812345678' }, signedIn.accessToken);
      expect(await readJson(phone)).toEqual({ phoneMasked: '138****5678' });
    } finally {
      await first.stop();
    }
    for (const file of ['jwt.key', 'field-encryption.key']) {
      expect((await stat(path.join(dataDir, 'keys', file))).mode & 0o777).toBe(0o600);
    }

    const second = await startCareLoop(config);
    try {
      // Same JWT key: the access token from before the restart still works; same field key:
      // the phone still decrypts.
      const me = await fetch(`${second.url}/api/v1${AuthPaths.me}`, { headers: { Authorization: `Bearer ${signedIn.accessToken}` } });
      expect(me.status).toBe(200);
      expect(await readJson(me)).toEqual({ account: { ...signedIn.account, phoneMasked: '138****5678' } });
      const again = await readJson(await post(`${second.url}/api/v1${AuthPaths.wechatLogin}`, { code: 'sandbox:alice' }));
      expect(again.account.id).toBe(signedIn.account.id);
      expect((await post(`${second.url}/api/v1${AuthPaths.refresh}`, { refreshToken: signedIn.refreshToken })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
