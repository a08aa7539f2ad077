import Koa from 'koa';
import { Router } from '@koa/router';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HospitalSystemError } from '../integrations/hospital/errors.js';
import { createLogger } from '../logging/logger.js';
import { jsonBody } from './body-parser.js';
import { errorMiddleware } from './error-middleware.js';
import { ConflictError, NotFoundError } from './errors.js';
import { requestId } from './request-id.js';
import type { AppState } from './state.js';
import { inputOf, validate } from './validate.js';
import { listen, readJson, type ListeningApp } from './test-server.js';

/** Collects log lines so tests can assert what was (not) logged. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

let running: ListeningApp | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(mount: (router: Router<AppState>) => void) {
  const { lines, logger } = memoryLog();
  const app = new Koa<AppState>();
  const router = new Router<AppState>();
  mount(router);
  app.use(requestId(logger));
  app.use(errorMiddleware({ bodyLimit: '1kb' }));
  app.use(jsonBody({ limit: '1kb' }));
  app.use(router.routes());
  running = await listen(app);
  return { url: running.url, lines };
}

describe('validate()', () => {
  const schemas = {
    params: z.object({ id: z.string().regex(/^[a-z]+$/) }),
    query: z.object({ page: z.coerce.number().int().min(1).default(1) }).strict(),
    body: z.object({ name: z.string().min(1) }).strict(),
  };
  const mount = (router: Router<AppState>) =>
    router.post('/things/:id', validate(schemas), (ctx) => {
      ctx.body = inputOf(ctx, schemas);
    });

  it('puts parsed, defaulted values on ctx.state.input', async () => {
    const { url } = await serve(mount);
    const response = await fetch(`${url}/things/abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"张三"}' });
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual({ params: { id: 'abc' }, query: { page: 1 }, body: { name: '张三' } });
  });

  it('reports every bad field with its path, and unknown query parameters by name', async () => {
    const { url } = await serve(mount);
    const response = await fetch(`${url}/things/ABC?page=0&sort=name`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":""}' });
    expect(response.status).toBe(400);
    const body = await readJson(response);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((issue: { path: string; code: string }) => [issue.path, issue.code])).toEqual([
      ['params.id', 'invalid_format'],
      ['query.page', 'too_small'],
      ['query.sort', 'unrecognized_keys'],
      ['body.name', 'too_small'],
    ]);
    expect(body.error.message).toContain('params.id');
  });

  it('rejects any query parameter on a route that declares none', async () => {
    const { url } = await serve((router) =>
      router.get('/plain', validate({}), (ctx) => {
        ctx.body = { ok: true };
      }),
    );
    expect((await fetch(`${url}/plain`)).status).toBe(200);
    const response = await fetch(`${url}/plain?utm_source=x`);
    expect(response.status).toBe(400);
    expect((await readJson(response)).error.details).toEqual([{ path: 'query.utm_source', code: 'unrecognized_keys', message: 'unknown parameter "utm_source"' }]);
  });
});

describe('errorMiddleware()', () => {
  const cases: Array<[string, () => unknown, number, string]> = [
    ['an AppError', () => new NotFoundError('未找到该科室'), 404, 'not_found'],
    ['a ConflictError', () => new ConflictError('号源已被占用', { code: 'slot_unavailable' }), 409, 'slot_unavailable'],
    ['hospital_unavailable', () => new HospitalSystemError('hospital_unavailable'), 503, 'hospital_unavailable'],
    ['hospital_timeout', () => new HospitalSystemError('hospital_timeout'), 504, 'hospital_timeout'],
    ['hospital_bad_response', () => new HospitalSystemError('hospital_bad_response'), 502, 'hospital_bad_response'],
    ['hospital_conflict', () => new HospitalSystemError('hospital_conflict'), 409, 'hospital_conflict'],
    ['hospital_not_found', () => new HospitalSystemError('hospital_not_found'), 404, 'not_found'],
  ];
  it.each(cases)('renders %s as %s %s', async (_name, make, status, code) => {
    const { url } = await serve((router) =>
      router.get('/boom', () => {
        throw make();
      }),
    );
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(status);
    const body = await readJson(response);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('hides unknown errors behind a generic 500 with the request id, and logs the stack', async () => {
    const { url, lines } = await serve((router) =>
      router.get('/bug', () => {
        throw new TypeError('secret internals at /srv/app.ts:12');
      }),
    );
    const response = await fetch(`${url}/bug`, { headers: { 'x-request-id': 'req-12345678' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('TypeError');
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: '服务器内部错误，请稍后再试（请求编号 req-12345678）' } });
    const logged = lines.find((line) => line.msg === 'unhandled error');
    expect(logged).toMatchObject({ requestId: 'req-12345678', level: 'error', err: { message: 'secret internals at /srv/app.ts:12' } });
  });

  it('answers malformed JSON with 400 invalid_json and a too-large body with 413', async () => {
    const { url } = await serve((router) =>
      router.post('/echo', (ctx) => {
        ctx.body = { ok: true };
      }),
    );
    const bad = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.code).toBe('invalid_json');
    const big = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(2048) }) });
    expect(big.status).toBe(413);
    expect(await readJson(big)).toEqual({ error: { code: 'payload_too_large', message: '请求内容过大（上限 1kb），请精简后重试' } });
  });

  it('renders unmatched paths as 404 not_found', async () => {
    const { url } = await serve(() => {});
    const response = await fetch(`${url}/nowhere`);
    expect(response.status).toBe(404);
    expect((await readJson(response)).error.code).toBe('not_found');
  });
});

describe('requestId()', () => {
  it('echoes a sane incoming id and replaces an unsafe one', async () => {
    const { url } = await serve((router) =>
      router.get('/id', (ctx) => {
        ctx.body = { id: ctx.state.requestId };
      }),
    );
    const sane = await fetch(`${url}/id`, { headers: { 'x-request-id': 'gateway-abc-123' } });
    expect(sane.headers.get('x-request-id')).toBe('gateway-abc-123');
    expect(await readJson(sane)).toEqual({ id: 'gateway-abc-123' });
    const unsafe = await fetch(`${url}/id`, { headers: { 'x-request-id': 'bad id; drop "table"' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('logger redaction', () => {
  it('never writes identity numbers, phones, tokens or session keys', () => {
    const { lines, logger } = memoryLog();
    logger.info(
      {
        patient: { name: '张三', idNumber: '110101199003071234', phone: '13800138000' },
        session_key: 'sk',
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } },
      },
      'x',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['110101199003071234', '13800138000', '"sk"', 'Bearer abc', 'sid=1']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ patient: { name: '张三', idNumber: '[redacted]', phone: '[redacted]' } });
  });
});
