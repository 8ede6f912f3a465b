import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('authentication', () => {
  it('serves /version without credentials', async () => {
    const r = await t.call('GET', '/version', { key: null });
    expect(r.status).toBe(200);
  });

  it('rejects requests without a key with a JSON 401', async () => {
    const r = await t.call('GET', '/users/self', { key: null });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ status_code: 401 });
    expect(typeof r.body.message).toBe('string');
    expect(r.body.request_id).toMatch(/^[0-9a-f]{8}-\d+$/);
  });

  it('rejects an unknown key', async () => {
    const r = await t.call('GET', '/projects', { key: 'nope' });
    expect(r.status).toBe(401);
  });

  it('accepts the SDK key format and a bare key (text after the last colon)', async () => {
    const me = await t.ok('GET', '/users/self');
    expect(me.root).toBe(true);
    const bare = t.adminKey.split(':').pop()!;
    expect(me.api_key.key).toBe(bare);
    const again = await t.ok('GET', '/users/self', { key: bare });
    expect(again._id).toBe(me._id);
    const status = await t.ok('GET', '/auth/status');
    expect(status).toMatchObject({ user_is_admin: true, origin: { type: 'user', id: me._id } });
  });

  it('gives the admin key in SDK format for the bound port', () => {
    const port = new URL(t.url).port;
    expect(t.adminKey).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${port}:__force_insecure:[A-Za-z0-9_-]+$`),
    );
    expect(t.url).toBe(`http://127.0.0.1:${port}/api`);
  });

  it('creates non-admin users with working keys', async () => {
    const key = await t.createUser('someone@example.org');
    const me = await t.ok('GET', '/users/self', { key });
    expect(me._id).toBe('someone@example.org');
    expect(me.root).toBe(false);
    const status = await t.ok('GET', '/auth/status', { key });
    expect(status.user_is_admin).toBe(false);
    const denied = await t.call('POST', '/users', { key, body: { _id: 'x@example.org' } });
    expect(denied.status).toBe(403);
  });

  it('keeps the admin key stable across restarts with the same data dir', async () => {
    const dir = `${t.server.dataDir}-persist`;
    const a = await startServer({ port: 0, dataDir: dir });
    const keyA = a.apiKey.split(':').pop();
    await fetch(`${a.url}/groups`, {
      method: 'POST',
      headers: { Authorization: `scitran-user ${keyA}` },
      body: JSON.stringify({ _id: 'kept', label: 'Kept' }),
    });
    await a.close();
    const b = await startServer({ port: 0, dataDir: dir });
    try {
      expect(b.apiKey.split(':').pop()).toBe(keyA);
      const r = await fetch(`${b.url}/groups/kept`, {
        headers: { Authorization: `scitran-user ${keyA}` },
      });
      expect(r.status).toBe(200);
      expect((await r.json()).label).toBe('Kept');
    } finally {
      await b.close();
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
