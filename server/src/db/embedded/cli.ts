import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { startEmbeddedMongo } from './server.js';

/**
 * `npm run mongod -- --port 27017 --dbpath .data/db [--bind_ip 127.0.0.1]`: runs the embedded
 * server on its own so mongosh, Compass or any driver can connect to it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      dbpath: { type: 'string' },
      bind_ip: { type: 'string', default: '127.0.0.1' },
      inMemory: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a number between 0 and 65535, got "${values.port}"\n`);
    process.exit(2);
  }
  const dbPath = values.inMemory ? undefined : (values.dbpath ?? '.data/db');
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = await startEmbeddedMongo({ port, dbPath, host: values.bind_ip });
  process.stdout.write(`embedded MongoDB listening on ${server.host}:${server.port} (${dbPath ? `data in ${dbPath}` : 'in memory'})\n${server.uri}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: flushing and stopping\n`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: Error) => {
  process.stderr.write(`embedded MongoDB failed to start: ${err.message}\n`);
  process.exit(1);
});
