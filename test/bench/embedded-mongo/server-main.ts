/**
 * Child-process entry for the bench: starts the embedded MongoDB server on an ephemeral port
 * and prints one JSON line `{ uri, pid }`, so the parent can charge this process's CPU to
 * the server alone. It then takes JSON commands on stdin, one per line, to CPU-profile just
 * the stretch the parent cares about:
 *   {"cmd":"profile-start"}            → {"reply":"profile-start"}
 *   {"cmd":"profile-stop","path":"…"}  → writes a .cpuprofile there, {"reply":"profile-stop"}
 * Stops cleanly on SIGTERM/SIGINT or when the parent closes stdin.
 *
 * Usage: node --import tsx server-main.ts <dbPath>
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The embedded server's public contract (server/src/db/embedded/index.ts). */
interface EmbeddedMongoModule {
  startEmbeddedMongo(options: { port?: number; dbPath?: string; host?: string }): Promise<{
    uri: string;
    port: number;
    stop(): Promise<void>;
  }>;
}

const SOURCE_ENTRY = new URL('../../../server/src/db/embedded/index.ts', import.meta.url);
const COMPILED_ENTRY = new URL('../../../server/dist/db/embedded/index.js', import.meta.url);
/**
 * The compiled server (what `npm start` runs) when `tsc -b` has built it — `npm run bench:mongo`
 * does — so the figures are not those of tsx-transformed code; the sources otherwise.
 */
const EMBEDDED_ENTRY = existsSync(fileURLToPath(COMPILED_ENTRY)) ? COMPILED_ENTRY : SOURCE_ENTRY;
/** µs between samples; finer than --cpu-prof's 1 ms default because bench ops take tens of µs. */
const SAMPLING_INTERVAL_US = 250;

async function main(): Promise<void> {
  const dbPath = process.argv[2];
  if (!dbPath) throw new Error('usage: server-main.ts <dbPath>');
  if (!existsSync(fileURLToPath(EMBEDDED_ENTRY))) throw new Error(`${fileURLToPath(EMBEDDED_ENTRY)} does not exist yet`);
  // Imported by URL at run time so the bench typechecks (and runs its PostgreSQL half)
  // before the server lands; the interface above pins the contract we rely on.
  const embedded = (await import(EMBEDDED_ENTRY.href)) as EmbeddedMongoModule;
  const server = await embedded.startEmbeddedMongo({ port: 0, dbPath, host: '127.0.0.1' });

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('embedded server failed to stop:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  const inspector = new Session();
  inspector.connect();
  const commands = createInterface({ input: process.stdin });
  commands.on('close', shutdown); // the parent died or is done with us
  commands.on('line', (line) => {
    void handle(inspector, line).then(
      (reply) => process.stdout.write(`${JSON.stringify({ reply })}\n`),
      (error: unknown) => process.stdout.write(`${JSON.stringify({ reply: 'error', error: String(error) })}\n`),
    );
  });

  process.stdout.write(`${JSON.stringify({ uri: server.uri, pid: process.pid })}\n`);
}

async function handle(inspector: Session, line: string): Promise<string> {
  const command = JSON.parse(line) as { cmd?: string; path?: string };
  if (command.cmd === 'profile-start') {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await inspector.post('Profiler.start');
    return 'profile-start';
  }
  if (command.cmd === 'profile-stop' && command.path) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(command.path, JSON.stringify(profile));
    return 'profile-stop';
  }
  throw new Error(`unknown command ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
