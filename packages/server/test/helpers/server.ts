import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from '../../src/index.js';
import { checkResponse } from './spec.js';

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** Raw bytes for non-JSON responses. */
  bytes: Buffer;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body (multipart FormData, string, Buffer). */
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** API key (SDK format or bare); default the admin's; `null` sends no Authorization. */
  key?: string | null;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  adminKey: string;
  call<T = any>(method: string, path: string, o?: CallOptions): Promise<Res<T>>;
  /** Assert a 2xx and return the body. */
  ok<T = any>(method: string, path: string, o?: CallOptions): Promise<T>;
  createUser(id: string): Promise<string>;
}

/**
 * Start a fresh server for the file (real socket, port 0) and stop it afterwards. Every
 * response goes through the spec conformance check.
 */
export function useServer(options: Omit<StartOptions, 'port' | 'log'> = {}): TestServer {
  const t = {} as TestServer;
  beforeAll(async () => {
    const server = await startServer({ ...options, port: 0, log: (l) => console.error(l) });
    t.server = server;
    t.url = server.url;
    t.adminKey = server.apiKey;
    t.createUser = async (id) =>
      (await server.createUser({ id, firstname: 'Test', lastname: 'User' })).apiKey;
  });
  afterAll(async () => {
    await t.server?.close();
  });
  t.call = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? t.adminKey : o.key;
    if (key !== null) headers.Authorization = `scitran-user ${key}`;
    let body: BodyInit | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const r = await fetch(t.url + path, { method, headers, body });
    const bytes = Buffer.from(await r.arrayBuffer());
    const ct = r.headers.get('content-type');
    let parsed: unknown = undefined;
    if (ct?.includes('application/json')) parsed = JSON.parse(bytes.toString('utf8'));
    const u = new URL(t.url + path);
    let apiPath = u.pathname.replace(/^\/api/, '');
    try {
      apiPath = decodeURI(apiPath);
    } catch {
      // keep the raw path when the test deliberately sends bad percent-encoding
    }
    checkResponse(method, apiPath, r.status, ct, parsed, u.searchParams);
    return { status: r.status, headers: r.headers, body: parsed as any, bytes };
  };
  t.ok = async (method, path, o) => {
    const r = await t.call(method, path, o);
    if (r.status < 200 || r.status > 299)
      throw new Error(`${method} ${path} → ${r.status} ${r.bytes.toString('utf8').slice(0, 300)}`);
    return r.body;
  };
  return t;
}

/** A multipart body with one or more files and optional metadata. */
export function form(
  files: { name: string; data: string | Buffer; field?: string }[],
  metadata?: unknown,
): FormData {
  const fd = new FormData();
  for (const f of files)
    fd.append(
      f.field ?? 'file',
      new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)]),
      f.name,
    );
  if (metadata !== undefined) fd.append('metadata', JSON.stringify(metadata));
  return fd;
}

let seq = 0;
/** A unique group id for this test file. */
export const gid = (p = 'g') =>
  `${p}${Date.now().toString(36)}${(seq++).toString(36)}`.toLowerCase();

/** Create group → project → subject → session → acquisition; returns their ids. */
export async function hierarchy(
  t: TestServer,
  labels: {
    group?: string;
    project?: string;
    subject?: string;
    session?: string;
    acquisition?: string;
  } = {},
) {
  const group = labels.group ?? gid();
  await t.ok('POST', '/groups', { body: { _id: group, label: `Group ${group}` } });
  const project = (
    await t.ok('POST', '/projects', { body: { group, label: labels.project ?? 'Project' } })
  )._id as string;
  const subject = (
    await t.ok('POST', '/subjects', { body: { project, code: labels.subject ?? 'sub-01' } })
  )._id as string;
  const session = (
    await t.ok('POST', '/sessions', {
      body: { project, label: labels.session ?? 'ses-01', subject: { _id: subject } },
    })
  )._id as string;
  const acquisition = (
    await t.ok('POST', '/acquisitions', {
      body: { session, label: labels.acquisition ?? 'acq-01' },
    })
  )._id as string;
  return { group, project, subject, session, acquisition };
}
