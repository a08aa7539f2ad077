import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import { Router } from '@koa/router';
import type { Connection } from 'mongoose';
import type { Clock } from '../../server/src/clock.js';
import { FieldCrypto } from '../../server/src/crypto/field-crypto.js';
import { connectMongoose } from '../../server/src/db/mongoose.js';
import { createStaffAuth, staffOf, type StaffAuth } from '../../server/src/features/staff-auth/index.js';
import { jsonBody } from '../../server/src/http/body-parser.js';
import { errorMiddleware } from '../../server/src/http/error-middleware.js';
import { requestId } from '../../server/src/http/request-id.js';
import type { AppState } from '../../server/src/http/state.js';
import { createLogger } from '../../server/src/logging/logger.js';
import { uniqueDbName } from './mongo.js';
import { listenOnLoopback } from './listen.js';

/** Options of a staff test app. */
export interface StaffAppOptions {
  mongoUri: string;
  clock: Clock;
  sessionTtlSeconds?: number;
}

/** A running staff test app. */
export interface StaffApp {
  url: string;
  jwtSecret: string;
  auth: StaffAuth;
  connection: Connection;
  logs: Record<string, unknown>[];
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Paths of the probe routes the harness adds behind `requireStaff`, to test the guard. */
export const staffProbePaths = { anyStaff: '/api/v1/staff/probe/any', doctorsOnly: '/api/v1/staff/probe/doctors' } as const;

/**
 * A small Koa app with the real error middleware, JSON body parser and staff-auth routes under
 * `/api/v1` on its own database (app.ts belongs to the patient-auth work; it mounts the same
 * routes). Two probe routes echo `ctx.state.staff` behind `requireStaff()` and
 * `requireStaff(['doctor'])`.
 */
export async function startStaffApp(options: StaffAppOptions): Promise<StaffApp> {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        callback();
      },
    }),
  });
  const connection = await connectMongoose({ uri: options.mongoUri, dbName: uniqueDbName('staff') });
  const jwtSecret = randomBytes(32).toString('base64');
  const auth = createStaffAuth({
    connection,
    clock: options.clock,
    logger,
    jwtSecret,
    crypto: new FieldCrypto(randomBytes(32)),
    ...(options.sessionTtlSeconds === undefined ? {} : { sessionTtlSeconds: options.sessionTtlSeconds }),
  });

  const api = new Router<AppState>({ prefix: '/api/v1' });
  api.use(auth.routes.routes());
  api.get('/staff/probe/any', auth.requireStaff(), (ctx) => {
    ctx.body = { staff: staffOf(ctx) };
  });
  api.get('/staff/probe/doctors', auth.requireStaff(['doctor']), (ctx) => {
    ctx.body = { staff: staffOf(ctx) };
  });

  const app = new Koa<AppState>();
  app.use(requestId(logger));
  app.use(errorMiddleware({ bodyLimit: '100kb' }));
  app.use(jsonBody({ limit: '100kb' }));
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));

  const { url, close } = await listenOnLoopback(app);
  return {
    url,
    jwtSecret,
    auth,
    connection,
    logs,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async close() {
      await close();
      await connection.dropDatabase().catch(() => {});
      await connection.close();
    },
  };
}
