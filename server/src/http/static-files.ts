import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildContentSecurityPolicy } from './security-headers.js';
import type { AppMiddleware } from './state.js';

/** Content types of what a Taro H5 build contains. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** A bundler's hex content hash in the file name (`app.3f9a1c2b.js`, as Taro's webpack names them). */
const hashedName = /[.-][0-9a-f]{8,}\.[a-z0-9]+$/;
const longCache = 'public, max-age=31536000, immutable';

/** Options of the static file server. */
export interface StaticFilesOptions {
  /** Absolute directory of the built H5 app. */
  root: string;
  /** Path prefixes that are never files (`/api`, `/healthz`): left to the routes, 404 there. */
  exclude: string[];
}

/** The file under `root` a URL path names, or undefined when the path is unsafe. */
export function resolveSafePath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  // No `..`, and no dotfiles (.env, .git) even if someone copied one into the build.
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  const file = path.resolve(root, ...segments);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return file === root || file.startsWith(rootWithSep) ? file : undefined;
}

/** CSP source hashes (`sha256-…`) of the inline `<script>` elements of an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = match[1] ?? '';
    if (body.trim() !== '') hashes.push(`sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}`);
  }
  return hashes;
}

async function fileStat(file: string) {
  try {
    const info = await stat(file);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the H5 build at `/`: files as they are (hashed assets cached for a year, everything
 * else revalidated), and `index.html` for client-side routes (paths without an extension), so a
 * deep link like `/pages/doctor/index` opens the app. Never serves outside `root` or dotfiles.
 * When the build is missing it serves nothing and the request falls through to a 404.
 */
export function staticFiles(options: StaticFilesOptions): AppMiddleware {
  const root = path.resolve(options.root);
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || options.exclude.some((prefix) => ctx.path === prefix || ctx.path.startsWith(`${prefix}/`))) {
      return next();
    }
    const requested = ctx.path.endsWith('/') ? `${ctx.path}index.html` : ctx.path;
    const file = resolveSafePath(root, requested);
    if (!file) return next();
    let target = file;
    let info = await fileStat(target);
    if (!info && path.extname(requested) === '') {
      target = path.join(root, 'index.html');
      info = await fileStat(target);
    }
    if (!info) return next();
    const name = path.basename(target);
    ctx.type = contentTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
    ctx.set('Cache-Control', name !== 'index.html' && hashedName.test(name) ? longCache : 'no-cache');
    ctx.lastModified = info.mtime;
    ctx.length = info.size;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.status = 200;
    if (path.extname(name).toLowerCase() === '.html') {
      // The page's own inline scripts (Taro's rem snippet) are allowed by hash, nothing else.
      const html = await readFile(target, 'utf8');
      ctx.set('Content-Security-Policy', buildContentSecurityPolicy(inlineScriptHashes(html)));
      if (ctx.method === 'GET') ctx.body = html;
      return;
    }
    // koa answers HEAD with the headers alone; opening the file would only leak a descriptor.
    if (ctx.method === 'GET') ctx.body = createReadStream(target);
  };
}
