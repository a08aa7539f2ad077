import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueDbName, useTestMongo, type TestMongo } from '../support/mongo.js';

// The staff sign-in is part of the running app: `npm start` seeds the demo staff of the demo
// alliance and serves /api/v1/staff/auth next to the patient API.

let mongo: TestMongo;
let app: { url: string; stop(): Promise<void> };
let dataDir: string;

beforeAll(async () => {
  mongo = await useTestMongo();
  dataDir = mkdtempSync(join(tmpdir(), 'careloop-staff-'));
  const { loadConfig } = await import('../../server/src/config.js');
  const { startCareLoop } = await import('../../server/src/main.js');
  app = await startCareLoop(
    loadConfig({ PORT: '0', CARELOOP_DATA_DIR: dataDir, MONGODB_URI: mongo.uri, MONGODB_DB: uniqueDbName('staff'), LOG_LEVEL: 'silent' }),
  );
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await mongo?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function login(body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app.url}/api/v1/staff/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('staff sign-in in the running app', () => {
  it('lets a seeded demo scheduler in and asks a seeded admin for the TOTP code', async () => {
    const scheduler = await login({ username: 'scheduler.core', password: 'CareLoop#Demo2026' });
    expect(scheduler.status).toBe(200);
    expect(scheduler.json.staff).toMatchObject({ username: 'scheduler.core', role: 'scheduler', institutionId: 'org-core' });
    const me = await fetch(`${app.url}/api/v1/staff/auth/me`, { headers: { authorization: `Bearer ${String(scheduler.json.accessToken)}` } });
    expect(me.status).toBe(200);

    const admin = await login({ username: 'admin.core', password: 'CareLoop#Demo2026' });
    expect(admin.status).toBe(401);
    expect((admin.json.error as { code: string }).code).toBe('totp_required');
  });
});
