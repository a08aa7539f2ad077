#!/usr/bin/env node
// Size budget of the mini-program, checked after `npm run build:weapp` (and `build:h5`).
// WeChat rejects an upload whose main package or any subpackage exceeds 2 MB or whose total
// exceeds 20 MB; we keep the main package under 1.5 MB so features have room to grow.
// Prints every package's size and the H5 first-load JS (gzip); exits 1 when over budget.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const weappDir = join(root, 'miniprogram', 'dist');
const h5Dir = join(root, 'miniprogram', 'dist-h5');

const MB = 1024 * 1024;
const LIMITS = { main: 1.5 * MB, subpackage: 2 * MB, total: 20 * MB };

const fmt = (bytes) => (bytes >= MB ? `${(bytes / MB).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Subpackage roots from app.json (`subPackages` or its alias `subpackages`), with a trailing slash. */
function subpackageRoots(appJson) {
  const list = appJson.subPackages ?? appJson.subpackages ?? [];
  return list.map((p) => String(p.root).replace(/^\/+/, '').replace(/\/*$/, '/'));
}

function checkWeapp() {
  const appJsonPath = join(weappDir, 'app.json');
  if (!existsSync(appJsonPath)) {
    process.stderr.write(`[size] ${relative(root, appJsonPath)} not found: run \`npm run build:weapp\` first.\n`);
    return false;
  }
  const roots = subpackageRoots(JSON.parse(readFileSync(appJsonPath, 'utf8')));
  const sizes = new Map([['(main)', 0], ...roots.map((r) => [r, 0])]);
  let total = 0;
  for (const file of walk(weappDir)) {
    const rel = relative(weappDir, file).split(sep).join('/');
    const size = statSync(file).size;
    total += size;
    const owner = roots.find((r) => rel.startsWith(r)) ?? '(main)';
    sizes.set(owner, sizes.get(owner) + size);
  }

  let ok = true;
  const line = (name, size, limit) => {
    const over = size > limit;
    if (over) ok = false;
    process.stdout.write(`  ${over ? '✖' : '✔'} ${name.padEnd(32)} ${fmt(size).padStart(10)}   (limit ${fmt(limit)})\n`);
  };
  process.stdout.write(`weapp package sizes (${relative(root, weappDir)}):\n`);
  line('main package', sizes.get('(main)'), LIMITS.main);
  for (const r of roots) line(`subpackage ${r}`, sizes.get(r), LIMITS.subpackage);
  line('total', total, LIMITS.total);
  return ok;
}

/** Scripts index.html loads up front; the lazily loaded page chunks are not first-load. */
function reportH5() {
  const indexPath = join(h5Dir, 'index.html');
  if (!existsSync(indexPath)) {
    process.stdout.write(`H5: ${relative(root, indexPath)} not found (run \`npm run build:h5\` to measure it).\n`);
    return;
  }
  const html = readFileSync(indexPath, 'utf8');
  const srcs = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const hrefs = [...html.matchAll(/<link\b[^>]*\bhref="([^"]+\.css)"/g)].map((m) => m[1]);
  const measure = (url) => {
    const path = join(h5Dir, url.replace(/^https?:\/\/[^/]+/, '').replace(/^\//, '').split('?')[0]);
    const data = readFileSync(path);
    return { url, raw: data.length, gzip: gzipSync(data).length };
  };
  const scripts = srcs.map(measure);
  const styles = hrefs.map(measure);
  const sum = (xs, k) => xs.reduce((n, x) => n + x[k], 0);
  process.stdout.write(`H5 first load (${relative(root, indexPath)}):\n`);
  for (const s of [...scripts, ...styles]) process.stdout.write(`    ${s.url.padEnd(34)} ${fmt(s.raw).padStart(10)}  gzip ${fmt(s.gzip).padStart(9)}\n`);
  process.stdout.write(`  JS  ${fmt(sum(scripts, 'raw'))}, gzip ${fmt(sum(scripts, 'gzip'))} (${scripts.length} files)\n`);
  process.stdout.write(`  CSS ${fmt(sum(styles, 'raw'))}, gzip ${fmt(sum(styles, 'gzip'))} (${styles.length} files)\n`);
}

const ok = checkWeapp();
reportH5();
if (!ok) {
  process.stderr.write('[size] over budget: move code out of the main package into a subpackage, or trim dependencies.\n');
  process.exit(1);
}
