#!/usr/bin/env node
// Builds what is out of date: shared + server with `tsc -b` (incremental), and the mini-program
// (H5 and weapp) with Taro when its sources changed since the last build. Used by `npm start`
// and `npm test`.
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
if (existsSync(join(mini, 'package.json'))) {
  const sources = Math.max(newest(join(mini, 'src')), newest(join(mini, 'config')), newest(join(root, 'shared', 'src')));
  // The H5 app is what the BFF serves; the weapp build (with --weapp: npm test) is what WeChat
  // DevTools opens and what the package-size budget is checked on.
  const targets = [['h5', join(mini, 'dist-h5', 'index.html')]];
  if (process.argv.includes('--weapp')) targets.push(['weapp', join(mini, 'dist', 'app.json')]);
  for (const [type, output] of targets) {
    if (existsSync(output) && statSync(output).mtimeMs >= sources) {
      say(`${type} build is up to date`);
      continue;
    }
    say(`building the mini-program for ${type} (taro build --type ${type})`);
    const started = Date.now();
    run(`npm run build:${type}`);
    say(`${type} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
