import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { openDatabase } from '../db/open.js';
import { addKey, createUserDoc, getUser, newKey, saveUser } from '../db/users.js';
import { createBlobStore, recoverUploads, sweepUploadTickets } from '../storage/index.js';
import { createApp } from './app.js';
import type { CorsOrigin } from './cors.js';
import { answerClientErrors } from './client-errors.js';
import type { AppState } from './context.js';
import { seedDefaults } from '../db/seed.js';
import { GROUP_ID_RE } from './ids.js';
import { startEngine, type EngineOptions } from '../engine/index.js';

export interface StartOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Data directory (database + blobs). Default: a fresh temp folder removed by close(). */
  dataDir?: string;
  /** Receives log lines (errors); default: silent. Never receives API keys. */
  log?: (line: string) => void;
  /**
   * Offer signed-URL uploads (`/config` answers `signed_url: true`): `POST …/files?ticket=`
   * hands out single-use URLs on this server's `/storage/uploads/…`. Default false.
   */
  signedUrls?: boolean;
  /** Lifetime of an upload ticket and its URLs in ms; default 1 hour. */
  uploadTtlMs?: number;
  /** Files declared larger than this (bytes) get several part URLs; default 5 GiB. */
  uploadPartSize?: number;
  /** How often expired upload tickets are swept, in ms; default min(ttl, 60 s). */
  uploadSweepMs?: number;
  /**
   * Extra users to seed, each answered with a fresh API key in `RunningServer.users` (a user
   * that already exists in a kept data dir gets a new key added).
   */
  users?: CreateUserOptions[];
  /** Most time to receive a request's headers, in ms; default 20 s (slowloris bound). */
  headersTimeoutMs?: number;
  /** Most time to receive a whole request (headers and body), in ms; default 1 hour. */
  requestTimeoutMs?: number;
  /**
   * Most time a connection may sit with nothing received or sent, in ms (an idle body, an idle
   * keep-alive socket); default 30 s. The socket is closed.
   */
  idleTimeoutMs?: number;
  /**
   * Page origins allowed to call the server from a browser (CORS): an origin, a list, `'*'`, or
   * a predicate. Default: `http(s)://localhost`, `127.0.0.1` and `[::1]` on any port.
   */
  corsOrigin?: CorsOrigin;
  /**
   * Run a local engine in the server: pending jobs of gears whose manifest has a `command` are
   * run on this machine (see the README's engine section). `true` takes the defaults.
   */
  engine?: boolean | EngineOptions;
  /**
   * The site's drone secret: requests with `X-SciTran-Auth: <secret>` (and `X-SciTran-Method`,
   * `X-SciTran-Name`) act as that device, as `createDroneClient` sends them. Default: the
   * `FW_DRONE_SECRET` environment variable; neither means drone logins answer 401.
   */
  droneSecret?: string;
}

export interface CreateUserOptions {
  /** User id (e-mail like), e.g. `jane@example.org`. */
  id: string;
  firstname?: string;
  lastname?: string;
  email?: string;
  /** Site admin. */
  root?: boolean;
}

export interface RunningServer {
  /** API base URL, e.g. `http://127.0.0.1:8080/api`. */
  url: string;
  /** Site admin key in SDK format `host:port:__force_insecure:KEY`. */
  apiKey: string;
  port: number;
  dataDir: string;
  /** The users seeded by `options.users`, by id, with their keys in SDK format. */
  users: Record<string, { id: string; apiKey: string }>;
  /** Create a user with a fresh API key (returned in SDK format). */
  createUser(o: CreateUserOptions): Promise<{ id: string; apiKey: string }>;
  /** The local engine, when started with `engine`. */
  engine?: { idle(): Promise<void> };
  /**
   * Stop the engine (a running gear is killed, its job failed), stop listening, close the
   * database; removes the data dir if it was a temp one.
   */
  close(): Promise<void>;
}

const ADMIN_ID = 'admin@local.flywheel';

/** A given drone secret must be a usable header value: non-empty, no spaces at the ends. */
function checkedDroneSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  if (typeof secret !== 'string' || secret.trim() === '' || secret.trim() !== secret)
    throw new TypeError(
      'droneSecret must be a non-empty string with no leading or trailing spaces (it is sent as the X-SciTran-Auth header)',
    );
  return secret;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const temp = !options.dataDir;
  const dataDir = options.dataDir
    ? resolve(options.dataDir)
    : mkdtempSync(join(tmpdir(), 'fw-server-'));
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'flywheel.sqlite'));
  const state: AppState = {
    db,
    blobs: createBlobStore({ dataDir }),
    dataDir,
    origin: '',
    jsonLimit: 1024 * 1024,
    ticketTtlMs: 60_000,
    uploads: {
      signedUrls: Boolean(options.signedUrls),
      ttlMs: options.uploadTtlMs ?? 3_600_000,
      partSize: options.uploadPartSize ?? 5 * 1024 ** 3,
    },
    droneSecret: checkedDroneSecret(options.droneSecret),
  };
  seedDefaults(db);
  await recoverUploads(db, state.blobs);
  const sweep = setInterval(
    () => {
      sweepUploadTickets(db, state.blobs).catch((err: unknown) =>
        options.log?.(`upload ticket sweep failed: ${String(err)}`),
      );
    },
    options.uploadSweepMs ?? Math.min(state.uploads.ttlMs, 60_000),
  );
  sweep.unref();
  const adminKey = ensureAdmin(state);

  const app = createApp(state, options.log, { corsOrigin: options.corsOrigin });
  const headersTimeout = options.headersTimeoutMs ?? 20_000;
  const server = createAdaptorServer({
    fetch: app.fetch,
    hostname: host,
    serverOptions: {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 3_600_000,
      // how often Node checks the two bounds above (its default is 30 s)
      connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeout >> 2)),
    },
  }) as Server;
  // idle-body bound: a connection silent this long (mid-body or between requests) is closed
  server.timeout = options.idleTimeoutMs ?? 30_000;
  server.on('timeout', (socket: import('node:net').Socket) => socket.destroy());
  answerClientErrors(server);
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(options.port ?? 0, host, () => res());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  state.origin = `http://${urlHost}:${port}`;
  const sdkKey = (key: string) => `${host}:${port}:__force_insecure:${key}`;

  const seedUser = (o: CreateUserOptions, allowExisting: boolean) => {
    if (!o || typeof o.id !== 'string' || o.id.length === 0)
      throw new TypeError('createUser: id is required');
    const exists = Boolean(getUser(db, o.id));
    if (exists && !allowExisting) throw new Error(`user ${o.id} already exists`);
    const key = newKey();
    db.transaction(() => {
      if (!exists)
        saveUser(
          db,
          createUserDoc({
            _id: o.id,
            firstname: o.firstname ?? '',
            lastname: o.lastname ?? '',
            email: o.email ?? o.id,
            root: Boolean(o.root),
          }),
        );
      addKey(db, o.id, key);
    })();
    return { id: o.id, apiKey: sdkKey(key) };
  };
  const users: Record<string, { id: string; apiKey: string }> = {};
  try {
    for (const o of options.users ?? []) users[o.id] = seedUser(o, true);
  } catch (err) {
    await new Promise<void>((res) => server.close(() => res()));
    db.close();
    if (temp) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }

  const engine = options.engine
    ? startEngine(
        { state, adminId: ADMIN_ID, sdkKey, log: options.log },
        options.engine === true ? {} : options.engine,
      )
    : undefined;

  let closed = false;
  return {
    url: `${state.origin}/api`,
    apiKey: sdkKey(adminKey),
    port,
    dataDir,
    users,
    ...(engine ? { engine: { idle: () => engine.idle() } } : {}),
    async createUser(o) {
      return seedUser(o, false);
    },
    async close() {
      if (closed) return;
      closed = true;
      await engine?.stop();
      clearInterval(sweep);
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections?.();
      });
      db.close();
      if (temp) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Seed the site admin on first start. The plain key is kept in `<dataDir>/admin.key` (mode 600)
 * so restarts with the same data dir hand out the same key; the database holds only its hash.
 */
function ensureAdmin(state: AppState): string {
  const keyFile = join(state.dataDir, 'admin.key');
  const db = state.db;
  if (existsSync(keyFile) && getUser(db, ADMIN_ID)) return readFileSync(keyFile, 'utf8').trim();
  const key = newKey();
  db.transaction(() => {
    if (!getUser(db, ADMIN_ID)) {
      saveUser(
        db,
        createUserDoc({
          _id: ADMIN_ID,
          firstname: 'Site',
          lastname: 'Admin',
          email: ADMIN_ID,
          root: true,
        }),
      );
    }
    addKey(db, ADMIN_ID, key);
  })();
  writeFileSync(keyFile, key + '\n', { mode: 0o600 });
  return key;
}

void GROUP_ID_RE;
