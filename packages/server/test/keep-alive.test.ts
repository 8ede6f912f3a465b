/**
 * Keep-alive after answers given before the request body was read. @hono/node-server drains an
 * unread body after the answer and destroys the socket if that takes over 500 ms; the client,
 * told nothing, reused the socket and failed with "other side closed" (the robustness flake on
 * PUT /users/sync/{cid}). The server now reads such bodies before answering, or says
 * `Connection: close` when it will not.
 */
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  reused: boolean;
}

function send(
  agent: Agent,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
  /** Send the body's second half this much later (a slow client). */
  pauseMs = 0,
): Promise<Answer> {
  const u = new URL(t.url + path);
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, method, host: u.hostname, port: u.port, path: u.pathname + u.search, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            reused: req.reusedSocket,
          }),
        );
      },
    );
    req.on('error', reject);
    if (!body || !pauseMs) return void req.end(body);
    req.setHeader('Content-Length', body.length);
    const half = body.length >> 1;
    req.write(body.subarray(0, half));
    setTimeout(() => req.end(body.subarray(half)), pauseMs);
  });
}

const json = (size: number) => Buffer.from(JSON.stringify({ x: 'y'.repeat(size) }));
const auth = () => ({ Authorization: `scitran-user ${t.adminKey}` });

describe('keep-alive after answering without reading the body', () => {
  it('PUT /users/sync/{cid} (501) with a body: the next request reuses the socket', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // the body's second half comes 700 ms later: past node-server's 500 ms drain timer
      const r = await send(
        agent,
        'PUT',
        '/users/sync/x',
        json(512 * 1024),
        { ...auth(), 'Content-Type': 'application/json' },
        700,
      );
      expect(r.status).toBe(501);
      expect(JSON.parse(r.body).message).toMatch(/PUT \/users\/sync\/\{cid\}\) is not implemented/);
      expect(r.headers.connection).not.toBe('close');
      const next = await send(agent, 'GET', '/version');
      expect(next.status).toBe(200);
      expect(next.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('POST /users/self/key without auth and a 1.5 MiB body: 401, then the socket still works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const r = await send(
        agent,
        'POST',
        '/users/self/key',
        json(1536 * 1024),
        { 'Content-Type': 'application/json' },
        700,
      );
      expect(r.status).toBe(401);
      const next = await send(agent, 'GET', '/version');
      expect(next.status).toBe(200);
      expect(next.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('a body over the drain limit is not read: the answer says Connection: close', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const r = await send(agent, 'PUT', '/users/sync/x', json(9 * 1024 * 1024), {
        'Content-Type': 'application/json',
      }).catch((e: NodeJS.ErrnoException) => e);
      // the server may close while the client is still writing; either way no reuse
      if (!(r instanceof Error)) {
        expect(r.status).toBe(401);
        expect(r.headers.connection).toBe('close');
      }
      const next = await send(agent, 'GET', '/version');
      expect(next.status).toBe(200);
      expect(next.reused).toBe(false);
    } finally {
      agent.destroy();
    }
  });
});
