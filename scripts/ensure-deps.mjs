#!/usr/bin/env node
// Installs what is missing before `npm start` / `npm test`:
//  - npm dependencies when node_modules is absent or older than package-lock.json;
//  - with --browser: Debian's Chromium and CJK fonts for the browser tests (apt-get, as root),
//    or, when not root, a message saying exactly what to install.
// Prints what it does; exits non-zero with a clear message on failure.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

function say(message) {
  process.stdout.write(`[careloop] ${message}\n`);
}

function npmStale() {
  if (!existsSync(installed)) return true;
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs + 1000;
}

if (npmStale()) {
  // Not `npm ci`: the registry mirror lacks other platforms' optional packages, so the lock file
  // cannot list them and npm ci would refuse it; npm install keeps the locked versions.
  const cmd = 'npm install --no-audit --no-fund';
  say(`installing npm dependencies: ${cmd}`);
  try {
    execSync(cmd, { cwd: root, stdio: 'inherit' });
  } catch {
    process.stderr.write('[careloop] npm install failed; check your access to the npm registry and retry.\n');
    process.exit(1);
  }
}

const CHROMIUM = '/usr/bin/chromium';
const CJK_FONT_DIR = '/usr/share/fonts/opentype/noto';

if (process.argv.includes('--browser') && !(existsSync(CHROMIUM) && existsSync(CJK_FONT_DIR))) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write(
      `[careloop] the browser tests need Debian's Chromium and CJK fonts. Install them with:\n` +
        `  sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk\n`,
    );
    process.exit(1);
  }
  say('installing Chromium and CJK fonts with apt-get (browser tests)');
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk', {
      stdio: 'inherit',
      shell: '/bin/bash',
    });
  } catch {
    process.stderr.write('[careloop] apt-get could not install chromium and fonts-noto-cjk; install them and retry.\n');
    process.exit(1);
  }
}
