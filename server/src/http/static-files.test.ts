import Koa from 'koa';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from './state.js';
import { inlineScriptHashes, resolveSafePath, staticFiles } from './static-files.js';
import { listen, type ListeningApp } from './test-server.js';

const inlineScript = 'document.documentElement.style.fontSize="20px"';
let root: string;
let outside: string;
let app: ListeningApp;

beforeAll(async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'careloop-h5-'));
  root = path.join(base, 'dist-h5');
  outside = path.join(base, 'secret.txt');
  await mkdir(path.join(root, 'js'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), `<!doctype html><title>CareLoop</title><script>${inlineScript}</script><script src="/js/app.3f9a1c2b.js"></script>`);
  await writeFile(path.join(root, 'js', 'app.3f9a1c2b.js'), 'console.log(1)');
  await writeFile(path.join(root, 'logo.png'), 'png');
  await writeFile(path.join(root, '.env'), 'SECRET=1');
  await writeFile(outside, 'top secret');
  const koa = new Koa<AppState>();
  koa.use(staticFiles({ root, exclude: ['/api', '/healthz'] }));
  app = await listen(koa);
});

afterAll(async () => {
  await app?.close();
  await rm(path.dirname(root), { recursive: true, force: true });
});

describe('staticFiles', () => {
  it('serves index.html at / without long caching', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<title>CareLoop</title>');
  });

  it('allows exactly the page’s inline scripts by hash in its CSP', async () => {
    const hash = createHash('sha256').update(inlineScript).digest('base64');
    const csp = (await fetch(`${app.url}/`)).headers.get('content-security-policy');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'; `);
    expect(csp?.split('; ').find((directive) => directive.startsWith('script-src'))).not.toContain('unsafe-inline');
    expect(inlineScriptHashes('<script src="/a.js"></script><script>\n</script>')).toEqual([]);
  });

  it('caches hashed assets for a year and plain ones not', async () => {
    const hashed = await fetch(`${app.url}/js/app.3f9a1c2b.js`);
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await hashed.text()).toBe('console.log(1)');
    expect((await fetch(`${app.url}/logo.png`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for client routes but not for missing files or /api', async () => {
    const route = await fetch(`${app.url}/pages/doctor/index`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('CareLoop');
    expect((await fetch(`${app.url}/js/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/v1/nothing`)).status).toBe(404);
  });

  it('never serves dotfiles or anything outside the root', async () => {
    for (const probe of ['/.env', '/%2e%2e/secret.txt', '/js/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const response = await fetch(`${app.url}${probe}`);
      expect(await response.text(), probe).not.toContain('top secret');
      expect(await (await fetch(`${app.url}${probe}`)).text(), probe).not.toContain('SECRET=1');
    }
  });

  it.each([
    ['/../secret.txt', undefined],
    ['/a/%2e%2e/%2e%2e/secret.txt', undefined],
    ['/bad%zz', undefined],
    ['/nul%00.js', undefined],
    ['/js/app.js', 'js/app.js'],
  ])('resolveSafePath(%s)', (urlPath, expected) => {
    const resolved = resolveSafePath('/srv/h5', urlPath);
    expect(resolved).toBe(expected === undefined ? undefined : path.join('/srv/h5', expected));
  });
});
