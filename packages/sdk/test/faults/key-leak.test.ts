/**
 * Issue 13 §3/§4: no error the SDK throws carries the key, whatever it came from. 30 ways to make
 * it fail (real @fw/server, a loopback server that echoes request headers into its answers, bad
 * keys and options), each checked in message, stack, String, JSON.stringify and util.inspect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyError, createApiClient, parseApiKey } from '@fw/api';
import { Client, FileSpec } from '../../src/node.js';
import { useServer } from '../helpers/server.js';

const SECRET = 'LeakCanary0123456789abcdefXYZ';
const KEY = `127.0.0.1:1:__force_insecure:${SECRET}`;
const ctx = useServer();
let echo: Server;
let echoUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'fw-leak-'));

/** Answers by the last path segment; every answer repeats the request's headers back. */
function echoHandler(
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) {
  const mode = decodeURIComponent(req.url!.split('?')[0]!.split('/').filter(Boolean).at(-1) ?? '');
  const auth = String(req.headers.authorization ?? '');
  const headers = JSON.stringify(req.headers);
  const json = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
    res.end(JSON.stringify(body));
  };
  switch (mode) {
    case 'echo500':
      return json(500, { message: 'boom', headers: req.headers });
    case 'echo400text':
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      return res.end(`bad request; you sent ${headers}`);
    case 'detail':
      return json(404, { message: 'nope', detail: `auth was ${auth}` });
    case 'reason':
      return json(409, { message: `conflict for ${auth}` });
    case 'nested':
      return json(422, { detail: [{ loc: ['header', 'authorization'], input: auth }] });
    case 'reqid':
      return json(403, { message: 'no', request_id: auth });
    case 'busy':
      return json(503, { message: `busy ${auth}` }, { 'Retry-After': '0' });
    case 'reset':
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write(`{"echo":"${auth}`);
      return setTimeout(() => res.socket?.destroy(), 5);
    case 'stall':
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write(`{"echo":"${auth}`);
      return setTimeout(() => res.socket?.destroy(), 2_000).unref();
    case 'hang':
      return setTimeout(() => res.socket?.destroy(), 2_000).unref();
    case 'badjson':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(`{"auth": "${auth}"`);
    case 'loop':
      res.writeHead(302, { Location: `${req.url}` });
      return res.end();
    case 'unauth':
      return json(401, { message: `key ${auth} refused` });
    case 'short.bin':
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000' });
      res.write(auth);
      return setTimeout(() => res.socket?.destroy(), 5);
    default:
      return json(404, { message: `unknown ${mode}`, headers: req.headers });
  }
}

beforeAll(async () => {
  echo = createServer(echoHandler);
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/api`;
});
afterAll(async () => {
  echo.closeAllConnections();
  await new Promise((r) => echo.close(r));
});

const fast = {
  maxRetries: 1,
  idleTimeoutMs: 200,
  timeoutMs: 500,
  retry: { baseDelayMs: 1, maxDelayMs: 2 },
};
const echoClient = () => new Client(KEY, { baseUrl: echoUrl, disableAuthCheck: true, ...fast });
/** A client of the real server that sends SECRET as its key (refused by the server). */
const wrongKeyClient = () =>
  new Client(`127.0.0.1:1:__force_insecure:${SECRET}`, {
    baseUrl: `${ctx.server.url}/api`,
    ...fast,
  });
const realClient = () => ctx.fw;

const ways: [string, () => unknown][] = [
  ['401 from the real server (wrong key)', () => wrongKeyClient().getCurrentUser()],
  ['checkAuth refused by the real server', () => wrongKeyClient().checkAuth()],
  ['404 from the real server', () => realClient().getProject('000000000000000000000000')],
  ['400 bad filter from the real server', () => realClient().projects.find('label=~(')],
  ['InvalidFilterError', () => realClient().projects.find('label')],
  ['FindOneError', () => realClient().projects.findOne('label=no-such-project-xyz')],
  ['FileSpecError', () => new FileSpec('', 'x')],
  [
    'DownloadError: missing directory',
    () => echoClient().downloadFileFromProject('p', 'f', '/no/such/dir/f'),
  ],
  [
    'connection refused',
    () => new Client(KEY, { disableAuthCheck: true, ...fast }).getCurrentUser(),
  ],
  ['500 echoing the headers', () => echoClient().getProject('echo500')],
  ['400 text body echoing the headers', () => echoClient().getProject('echo400text')],
  ['404 with the key in detail', () => echoClient().getProject('detail')],
  ['409 with the key in message (reason)', () => echoClient().getProject('reason')],
  ['422 with the key in a structured detail', () => echoClient().getProject('nested')],
  ['403 with the key as request_id', () => echoClient().getProject('reqid')],
  ['503 retried then given up', () => echoClient().getProject('busy')],
  ['reset mid JSON body', () => echoClient().getProject('reset')],
  ['stalled JSON body (idle timeout)', () => echoClient().getProject('stall')],
  ['headers timeout', () => echoClient().getProject('hang')],
  ['truncated close-delimited JSON', () => echoClient().getProject('badjson')],
  ['redirect loop', () => echoClient().getProject('loop')],
  [
    'checkAuth refused by an echoing server',
    () => new Client(KEY, { baseUrl: echoUrl, ...fast }).getProject('x').then(() => undefined),
  ],
  [
    'unauth echo with the auth check',
    () => new Client(KEY, { baseUrl: `${echoUrl}/unauth`, ...fast }).checkAuth(),
  ],
  [
    'abort',
    () =>
      echoClient().getProject('hang', { signal: AbortSignal.abort(new Error(`stop ${SECRET}`)) }),
  ],
  [
    'short download to a path',
    () => echoClient().downloadFileFromProject('p', 'short.bin', join(dir, 'a.bin')),
  ],
  [
    'short download into a WritableStream',
    () => echoClient().downloadFileFromProject('p', 'short.bin', new WritableStream()),
  ],
  ['short readFile', () => echoClient().downloadFileFromProjectAsData('p', 'short.bin')],
  ['key with CR', () => new Client(`127.0.0.1:${SECRET}\r\nX: y`)],
  ['key with NUL', () => parseApiKey(`127.0.0.1:${SECRET}\u0000`)],
  ['key with a bad host', () => new Client(`exa^mple:${SECRET}`)],
  ['bad baseUrl', () => new Client(KEY, { baseUrl: `nope ${SECRET}` })],
  ['bad maxRetries', () => createApiClient({ apiKey: KEY, maxRetries: -1 })],
  ['unknown method option', () => echoClient().getProject('x', { sortt: 1 } as never)],
];

describe(`the key never leaks (${ways.length} ways to fail)`, () => {
  it('has at least 27 ways', () => expect(ways.length).toBeGreaterThanOrEqual(27));
  for (const [label, run] of ways) {
    it(
      label,
      async () => {
        let err: unknown;
        try {
          await run();
        } catch (e) {
          err = e;
        }
        expect(err, 'it must fail').toBeInstanceOf(Error);
        const e = err as Error;
        for (const [where, text] of [
          ['message', e.message],
          ['stack', e.stack ?? ''],
          ['String', String(e)],
          ['JSON.stringify', JSON.stringify(e) ?? ''],
          ['util.inspect', inspect(e, { depth: 10 })],
        ] as const) {
          expect(text, `${where} of ${e.name}`).not.toContain(SECRET);
        }
      },
      10_000,
    );
  }
  it('no partial download was left behind', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
  it('a bad key is an ApiKeyError', () => {
    expect(() => parseApiKey(`h:${SECRET}\nX`)).toThrow(ApiKeyError);
  });
});
