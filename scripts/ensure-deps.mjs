#!/usr/bin/env node
// Installs what is missing before `npm start` / `npm test`: npm dependencies when node_modules
// is absent or older than package-lock.json. Chromium for browser tests is added by the issue
// that brings browser tests. Prints what it does; exits non-zero with a clear message on failure.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!existsSync(installed)) return true;
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs;
}

if (stale()) {
  // Not `npm ci`: the registry mirror lacks other platforms' optional packages, so the lock file
  // cannot list them and npm ci would refuse it; npm install keeps the locked versions.
  const cmd = 'npm install --no-audit --no-fund';
  process.stdout.write(`[careloop] installing npm dependencies: ${cmd}\n`);
  try {
    execSync(cmd, { cwd: root, stdio: 'inherit' });
  } catch {
    process.stderr.write('[careloop] npm install failed; check your network access to the npm registry and retry.\n');
    process.exit(1);
  }
}
