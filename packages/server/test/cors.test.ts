import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../src/index.js';

const key = (s: RunningServer) => s.apiKey.split(':').pop()!;

function preflight(url: string, origin: string, headers = 'authorization,x-accept-feature') {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': headers,
    },
  });
}

describe('CORS (default: local origins)', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('answers a preflight from a localhost page without auth, allowing the SDK headers', async () => {
    const res = await preflight(
      `${s.url}/projects`,
      'http://localhost:5173',
      'authorization,x-accept-feature,content-type,user-agent',
    );
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
    for (const h of ['authorization', 'x-accept-feature', 'content-type', 'user-agent'])
      expect(allowed).toContain(h);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('allows 127.0.0.1 and [::1] on any port, and the storage (signed URL) paths', async () => {
    for (const origin of ['http://127.0.0.1:1', 'https://[::1]:8443', 'http://localhost']) {
      const res = await preflight(`${s.url.replace(/\/api$/, '')}/storage/uploads/x`, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    }
  });

  it('sends the CORS headers on real answers, errors included, and exposes what the SDK reads', async () => {
    const ok = await fetch(`${s.url}/users/self`, {
      headers: { Origin: 'http://127.0.0.1:9', Authorization: `scitran-user ${key(s)}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9');
    const exposed = ok.headers.get('access-control-expose-headers')!.toLowerCase().split(',');
    for (const h of ['etag', 'x-request-id', 'retry-after', 'content-length']) {
      expect(exposed).toContain(h);
    }
    const denied = await fetch(`${s.url}/users/self`, {
      headers: { Origin: 'http://localhost:3000' },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('answers a request without Origin with Vary: Origin and no CORS headers', async () => {
    const auth = { Authorization: `scitran-user ${key(s)}` };
    const json = await fetch(`${s.url}/users/self`, { headers: auth });
    expect(json.status).toBe(200);
    expect(json.headers.get('vary')).toBe('Origin');
    expect(json.headers.get('access-control-expose-headers')).toBeNull();
    expect(json.headers.get('access-control-allow-origin')).toBeNull();
    expect((await json.json()) as object).toHaveProperty('_id');
    const missing = await fetch(`${s.url}/projects/000000000000000000000000`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('vary')).toBe('Origin');
    // a cross-origin request to the same URL gets the CORS headers and the same Vary
    const cross = await fetch(`${s.url}/users/self`, {
      headers: { ...auth, Origin: 'http://localhost:5173' },
    });
    expect(cross.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(cross.headers.get('vary')).toBe('Origin');
  });

  it('answers an OPTIONS without Origin as before: 204 with the allowed methods', async () => {
    const res = await fetch(`${s.url}/projects`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('does not allow other origins', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null']) {
      const res = await preflight(`${s.url}/projects`, origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('CORS (configured)', () => {
  it('startServer({ corsOrigin }) allows exactly the listed origins', async () => {
    const s = await startServer({ corsOrigin: ['https://app.example.org'] });
    try {
      const yes = await preflight(`${s.url}/projects`, 'https://app.example.org');
      expect(yes.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
      const no = await preflight(`${s.url}/projects`, 'http://localhost:5173');
      expect(no.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await s.close();
    }
  });

  it("corsOrigin '*' allows any origin", async () => {
    const s = await startServer({ corsOrigin: '*' });
    try {
      const res = await preflight(`${s.url}/projects`, 'https://anything.example');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://anything.example');
    } finally {
      await s.close();
    }
  });

  it('the CLI takes --cors-origin (repeatable)', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const data = mkdtempSync(join(tmpdir(), 'fw-cors-'));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(
      tsx,
      [
        cli,
        '--port',
        '0',
        '--data',
        data,
        '--cors-origin',
        'https://a.example',
        '--cors-origin',
        'https://b.example',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((res, rej) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) res(m[1]!);
        });
        child.once('exit', (code) => rej(new Error(`cli exited ${code}: ${out}`)));
      });
      for (const [origin, allowed] of [
        ['https://b.example', true],
        ['http://localhost:5173', false],
      ] as const) {
        const res = await preflight(`${url}/projects`, origin);
        expect(res.headers.get('access-control-allow-origin')).toBe(allowed ? origin : null);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((res) => child.once('exit', res));
      rmSync(data, { recursive: true, force: true });
    }
  }, 30_000);
});
