#!/usr/bin/env node
// Builds what is out of date: shared + server with `tsc -b` (incremental), and the H5 app with
// Taro when its sources changed since the last build. Used by `npm start` and `npm test`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (m) => process.stdout.write(`[careloop] ${m}\n`);
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

/** Newest modification time of the files under `dir` (0 when missing), skipping build output. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('dist') || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}

say('building shared and server (tsc -b, incremental)');
run('npx tsc -b server');

const mini = join(root, 'miniprogram');
const h5Index = join(mini, 'dist-h5', 'index.html');
if (existsSync(join(mini, 'package.json'))) {
  const sources = Math.max(newest(join(mini, 'src')), newest(join(mini, 'config')), newest(join(root, 'shared', 'src')));
  if (!existsSync(h5Index) || statSync(h5Index).mtimeMs < sources) {
    say('building the H5 app (taro build --type h5)');
    const started = Date.now();
    run('npm run build:h5');
    say(`H5 app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    say('H5 app is up to date');
  }
}
