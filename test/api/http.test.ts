import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../server/src/http/security-headers.js';
import { startHospitalSimulator, type RunningSimulator } from '../../server/src/integrations/hospital/simulator/index.js';
import { readJson, startTestApp, testClock, type TestApp } from '../support/app.js';
import { useTestMongo, type TestMongo } from '../support/mongo.js';

// The cross-cutting HTTP behaviour of the real app: health, limits, headers, request ids, H5.

const NOW = new Date('2026-11-25T09:10:00+08:00');

let mongo: TestMongo;
let simulator: RunningSimulator;
let h5Dir: string;
let app: TestApp | undefined;

beforeAll(async () => {
  mongo = await useTestMongo();
  simulator = await startHospitalSimulator({ now: () => NOW });
  h5Dir = await mkdtemp(path.join(os.tmpdir(), 'careloop-h5-'));
  await writeFile(path.join(h5Dir, 'index.html'), '<!doctype html><title>CareLoop 医联体</title>');
});

afterAll(async () => {
  await simulator?.stop();
  await mongo?.stop();
  await rm(h5Dir, { recursive: true, force: true });
});

afterEach(async () => {
  simulator.faults.clear();
  await app?.close();
  app = undefined;
});

const start = async (env: Record<string, string> = {}) => {
  app = await startTestApp({ mongoUri: mongo.uri, hospitalBaseUrl: simulator.baseUrl, clock: testClock(NOW), env: { H5_DIR: h5Dir, ...env } });
  return app;
};

describe('GET /healthz', () => {
  it('is 200 ok when the database and the hospital answer', async () => {
    const { fetch } = await start();
    const response = await fetch('/healthz');
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({
      status: 'ok',
      database: { ok: true, latencyMs: expect.any(Number) },
      hospital: { ok: true, latencyMs: expect.any(Number) },
    });
  });

  it('is 200 degraded when the hospital is down (the cache still serves)', async () => {
    const { fetch } = await start();
    simulator.faults.set({ errorRate: 1 });
    const response = await fetch('/healthz');
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({ status: 'degraded', database: { ok: true }, hospital: { ok: false } });
  });

  it('is 503 degraded when the database is gone', async () => {
    const started = await start();
    await started.connection.close();
    const response = await started.fetch('/healthz');
    expect(response.status).toBe(503);
    expect(await readJson(response)).toMatchObject({ status: 'degraded', database: { ok: false }, hospital: { ok: true } });
  });
});

describe('request bodies', () => {
  it('refuses a body over BODY_LIMIT with 413 and the error shape', async () => {
    const { fetch } = await start({ BODY_LIMIT: '1kb' });
    const response = await fetch('/api/v1/institutions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: '很长'.repeat(1000) }),
    });
    expect(response.status).toBe(413);
    expect(await readJson(response)).toEqual({ error: { code: 'payload_too_large', message: '请求内容过大（上限 1kb），请精简后重试' } });
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const { fetch } = await start();
    const response = await fetch('/api/v1/institutions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(response.status).toBe(400);
    expect((await readJson(response)).error.code).toBe('invalid_json');
  });

  it('answers a method the route does not have with 405 method_not_allowed', async () => {
    const { fetch } = await start();
    const response = await fetch('/api/v1/institutions', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect((await readJson(response)).error.code).toBe('method_not_allowed');
  });

  it('answers an unknown API path with 404 not_found', async () => {
    const { fetch } = await start();
    const response = await fetch('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect((await readJson(response)).error.code).toBe('not_found');
  });
});

describe('headers', () => {
  it('sends the security headers on successes and errors alike, and no X-Powered-By', async () => {
    const { fetch } = await start();
    for (const path of ['/api/v1/institutions', '/api/v1/doctors/nobody', '/healthz', '/']) {
      const response = await fetch(path);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toBe(contentSecurityPolicy);
      expect(response.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('echoes a sane X-Request-Id, generates one otherwise, and logs requests by it without the query', async () => {
    const started = await start();
    const echoed = await started.fetch('/api/v1/institutions', { headers: { 'X-Request-Id': 'wx-gateway-0001' } });
    expect(echoed.headers.get('x-request-id')).toBe('wx-gateway-0001');
    const generated = await started.fetch('/api/v1/institutions?phone=13800138000');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const line = started.logs.find((entry) => entry.msg === 'request' && entry.requestId === 'wx-gateway-0001');
    expect(line).toMatchObject({ method: 'GET', path: '/api/v1/institutions', status: 200, durationMs: expect.any(Number) });
    expect(JSON.stringify(started.logs)).not.toContain('13800138000');
  });
});

describe('the H5 app', () => {
  it('is served at / and for client-side routes, but not instead of API 404s', async () => {
    const { fetch } = await start();
    const home = await fetch('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toContain('CareLoop 医联体');
    expect(await (await fetch('/pages/doctor/index')).text()).toContain('CareLoop 医联体');
    expect((await fetch('/api/v1/unknown')).headers.get('content-type')).toContain('application/json');
  });
});
