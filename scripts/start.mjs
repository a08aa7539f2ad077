#!/usr/bin/env node
// `npm start`: installs what is missing, builds what is out of date, then runs the BFF
// (server/dist/main.js), which starts the embedded MongoDB and the hospital simulator unless
// MONGODB_URI / HOSPITAL_FHIR_BASE_URL are set, and prints the URL of the app.
// Ctrl-C is passed on to the BFF, which finishes in-flight requests and flushes the database.
import { execSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execSync('node scripts/ensure-deps.mjs && node scripts/build.mjs', { cwd: root, stdio: 'inherit' });

const child = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js')], { cwd: root, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
