/**
 * Hostile and faulty clients (issue 13, defects 8, 10, 12, 13), all on loopback, each loop
 * bounded in count and time:
 * - a catastrophic `=~` pattern over long labels does not stall another request;
 * - slowloris headers and idle half-sent uploads are closed by the server's time bounds, and
 *   100 of them do not keep it from answering;
 * - 800 uploads rejected early (bad file name) all get their 400, none an ECONNRESET;
 * - a site admin issues and revokes API keys for another user through the key operations.
 */
import { connect, type Socket } from 'node:net';
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer({ headersTimeoutMs: 1000, idleTimeoutMs: 1000 });
const auth = () => `scitran-user ${t.adminKey}`;

/** ms for one GET /version. */
async function timeVersion(): Promise<number> {
  const start = performance.now();
  const r = await fetch(`${t.url}/version`);
  await r.arrayBuffer();
  expect(r.status).toBe(200);
  return performance.now() - start;
}

describe('ReDoS', () => {
  it('a catastrophic pattern over long labels answers, and another request is not blocked', async () => {
    const h = await hierarchy(t);
    const label = 'a'.repeat(1000) + '!';
    for (let i = 0; i < 20; i++)
      await t.ok('POST', '/acquisitions', { body: { session: h.session, label } });
    const filter = encodeURIComponent('label=~(a+)+$');
    // warm up the route and the probe once (first calls compile code paths)
    await t.call('GET', `/sessions/${h.session}/acquisitions?filter=${filter}`);
    await timeVersion();
    let slowest = 0;
    const started = performance.now();
    const evil = Promise.all(
      Array.from({ length: 5 }, () =>
        t.call('GET', `/sessions/${h.session}/acquisitions?filter=${filter}`),
      ),
    );
    const probes: number[] = [];
    for (let i = 0; i < 10; i++) probes.push(await timeVersion());
    const answers = await evil;
    const elapsed = performance.now() - started;
    slowest = Math.max(...probes);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body).toEqual([]); // RE2 semantics: `(a+)+$` needs the label to end in a
    }
    const hit = await t.call(
      'GET',
      `/sessions/${h.session}/acquisitions?filter=${encodeURIComponent('label=~(a+)+!$')}`,
    );
    expect(hit.body).toHaveLength(20);
    console.log(
      `redos: 5×20 labels of 1001 chars in ${elapsed.toFixed(0)} ms; slowest /version ${slowest.toFixed(0)} ms`,
    );
    expect(slowest).toBeLessThan(500); // V8's backtracking took seconds for 27 characters
    // the same pattern in structured search
    const s = await t.call('POST', '/dataexplorer/search?simple=true&size=100', {
      body: { return_type: 'acquisition', structured_query: 'acquisition.label =~ "(a+)+$"' },
    });
    expect(s.status).toBe(200);
    // back-references need backtracking: rejected with a message naming the pattern
    const bad = await t.call('GET', `/acquisitions?filter=${encodeURIComponent('label=~(a)\\1')}`);
    expect(bad.status).toBe(422); // a filter the server cannot run is a malformed parameter (v21: 422)
    expect(bad.body.message).toContain('invalid regular expression');
  });
});

/** Open a socket to the server and write `text`; resolves with it once connected. */
function open(text: string): Promise<Socket> {
  const u = new URL(t.url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(text);
      s.resume(); // read what the server answers, so its close is seen
      resolve(s);
    });
    s.on('error', () => {}); // the server may reset it when cutting it
    s.once('error', reject);
  });
}
const closedWithin = (s: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed || s.readableEnded) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('slow and idle requests', () => {
  it('a slowloris client (headers dribbled forever) is closed', async () => {
    const s = await open('GET /api/version HTTP/1.1\r\nHost: x\r\n');
    let sent = 0;
    const drip = setInterval(() => {
      if (s.writable && sent++ < 40) s.write(`X-Slow-${sent}: 1\r\n`);
    }, 100);
    const started = performance.now();
    const closed = await closedWithin(s, 8000);
    clearInterval(drip);
    s.destroy();
    console.log(`slowloris: closed after ${(performance.now() - started).toFixed(0)} ms`);
    expect(closed).toBe(true);
  });

  it('100 idle half-sent uploads do not exhaust the server and are all closed', async () => {
    const h = await hierarchy(t);
    const head =
      `POST /api/acquisitions/${h.acquisition}/files HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: ${auth()}\r\nContent-Type: multipart/form-data; boundary=b\r\n` +
      `Content-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n\r\nhalf`;
    const sockets = await Promise.all(Array.from({ length: 100 }, () => open(head)));
    // while they hang, others are served
    for (let i = 0; i < 5; i++) expect(await timeVersion()).toBeLessThan(2000);
    const started = performance.now();
    const closed = await Promise.all(sockets.map((s) => closedWithin(s, 10_000)));
    console.log(`idle uploads: 100 closed after ${(performance.now() - started).toFixed(0)} ms`);
    sockets.forEach((s) => s.destroy());
    expect(closed.filter(Boolean)).toHaveLength(100);
    // nothing was saved, no temp blob is left
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).files).toEqual([]);
    // the aborted writes remove their temp blobs right after the sockets close (bounded wait)
    const { readdirSync } = await import('node:fs');
    const temps = () =>
      readdirSync(`${t.server.dataDir}/blobs`).filter((f) => f.startsWith('.tmp-'));
    for (let i = 0; i < 100 && temps().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(temps()).toEqual([]);
  });
});

describe('rejected uploads', () => {
  it('800 uploads rejected early (bad name) all get 400, none ECONNRESET', async () => {
    const h = await hierarchy(t);
    const u = new URL(t.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const payload = Buffer.alloc(256 * 1024, 0x61);
    const body = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename=".."\r\n\r\n'),
      payload,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const one = () =>
      new Promise<string>((resolve) => {
        const req = request(
          {
            agent,
            method: 'POST',
            host: u.hostname,
            port: u.port,
            path: `/api/acquisitions/${h.acquisition}/files`,
            headers: {
              Authorization: auth(),
              'Content-Type': 'multipart/form-data; boundary=b',
              'Content-Length': body.length,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.statusCode)));
            res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
          },
        );
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
        req.end(body);
      });
    const outcomes: Record<string, number> = {};
    const deadline = Date.now() + 120_000;
    for (let done = 0; done < 800 && Date.now() < deadline; done += 16) {
      for (const o of await Promise.all(Array.from({ length: 16 }, one)))
        outcomes[o] = (outcomes[o] ?? 0) + 1;
    }
    agent.destroy();
    console.log(`rejected uploads: ${JSON.stringify(outcomes)}`);
    expect(outcomes).toEqual({ '400': 800 });
  }, 150_000);
});

describe('keys for other users', () => {
  it('a site admin issues a key for another user, who can use it; others cannot', async () => {
    const bob = await t.server.createUser({ id: 'keys-bob@example.org' });
    const issued = await t.ok('POST', '/users/self/key?user_id=keys-bob@example.org', {
      body: { label: 'for bob' },
    });
    expect(issued.label).toBe('for bob');
    const me = await t.ok('GET', '/users/self', { key: issued.key });
    expect(me._id).toBe('keys-bob@example.org');
    expect(me.root).not.toBe(true);
    // a non-admin may not issue keys for someone else
    const refused = await t.call('POST', '/users/self/key?user_id=admin@local.flywheel', {
      key: bob.apiKey,
      body: { label: 'x' },
    });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(bob.apiKey.split(':').pop()!);
    const unknown = await t.call('POST', '/users/self/key?user_id=nobody@example.org', {
      body: { label: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('nobody@example.org');
    // revoke it by its listed id
    const keys = (await t.ok('GET', '/users/self', { key: issued.key })).api_keys as any[];
    expect(keys.length).toBe(2);
    for (const k of keys) {
      const r = await t.call('DELETE', `/users/self/key/${k.key}?user_id=keys-bob@example.org`);
      expect(r.status).toBe(204);
    }
    expect((await t.call('GET', '/users/self', { key: bob.apiKey })).status).toBe(401);
    expect((await t.call('GET', '/users/self', { key: issued.key })).status).toBe(401);
  });
});
