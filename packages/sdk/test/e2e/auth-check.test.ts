/** The key check on the wire: `GET /auth/status` before the first call, once, or never when disabled. */
import { describe, expect, it } from 'vitest';
import { ApiError, AuthenticationError, Client } from '../../src/node.js';
import { useServer } from '../helpers/server.js';

/** A client whose requests are recorded as `METHOD /path`. */
function recordingClient(apiKey: string, options: { disableAuthCheck?: boolean } = {}) {
  const sent: string[] = [];
  const fw = new Client(apiKey, {
    ...options,
    fetch: (req) => {
      sent.push(`${req.method} ${new URL(req.url).pathname}`);
      return fetch(req);
    },
  });
  return { fw, sent };
}

/** The server's admin key with its secret replaced. */
function badKey(apiKey: string): { key: string; secret: string } {
  const secret = 'not-a-valid-key-0123456789';
  return { key: apiKey.replace(/[^:]+$/, secret), secret };
}

describe('auth check', () => {
  const ctx = useServer();

  it('GET /auth/status is sent once, before the first call, and not by the constructor', async () => {
    const { fw, sent } = recordingClient(ctx.server.apiKey);
    expect(sent).toEqual([]);
    await fw.getCurrentUser();
    await fw.projects.find({ limit: 1 });
    expect(sent).toEqual(['GET /api/auth/status', 'GET /api/users/self', 'GET /api/projects']);
  });

  it('concurrent first calls share one GET /auth/status', async () => {
    const { fw, sent } = recordingClient(ctx.server.apiKey);
    await Promise.all([fw.getCurrentUser(), fw.groups.find({ limit: 1 }), fw.getConfig()]);
    expect(sent.filter((s) => s === 'GET /api/auth/status')).toHaveLength(1);
    expect(sent[0]).toBe('GET /api/auth/status');
    expect(sent).toHaveLength(4);
  });

  it('a bad key: GET /auth/status answers 401 → AuthenticationError naming the site, without the key', async () => {
    const { key, secret } = badKey(ctx.server.apiKey);
    const { fw, sent } = recordingClient(key);
    const err = await fw.getCurrentUser().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toBeInstanceOf(ApiError);
    const authErr = err as AuthenticationError;
    expect(authErr.status).toBe(401);
    expect(authErr.name).toBe('AuthenticationError');
    const site = new URL(ctx.server.url).origin;
    expect(authErr.message).toContain(`The API key was rejected by ${site}`);
    expect(authErr.message).toContain('GET /auth/status answered 401');
    expect(authErr.message).toContain('disableAuthCheck');
    for (const text of [
      authErr.message,
      String(authErr),
      authErr.stack ?? '',
      JSON.stringify(authErr),
    ])
      expect(text).not.toContain(secret);
    expect(sent).toEqual(['GET /api/auth/status']); // the call itself was never sent
    // the refusal is kept: later calls fail the same way without asking again
    await expect(fw.projects.find()).rejects.toBeInstanceOf(AuthenticationError);
    expect(sent).toEqual(['GET /api/auth/status']);
  });

  it('disableAuthCheck: true sends no GET /auth/status; a bad key then fails on the call itself', async () => {
    const good = recordingClient(ctx.server.apiKey, { disableAuthCheck: true });
    await good.fw.getCurrentUser();
    expect(good.sent).toEqual(['GET /api/users/self']);
    const bad = recordingClient(badKey(ctx.server.apiKey).key, { disableAuthCheck: true });
    const err = await bad.fw.getCurrentUser().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).not.toContain('rejected by'); // the plain 401 of /users/self
    expect(bad.sent).toEqual(['GET /api/users/self']);
  });

  it('checkAuth() resolves to the GET /auth/status answer (origin, user_is_admin, is_device) and reuses it', async () => {
    const { fw, sent } = recordingClient(ctx.server.apiKey);
    const me = await fw.getCurrentUser();
    const status = await fw.checkAuth();
    expect(status.origin).toEqual({ type: 'user', id: me.id });
    expect(status.user_is_admin).toBe(true);
    expect(status.is_device).toBe(false);
    expect(sent.filter((s) => s === 'GET /api/auth/status')).toHaveLength(1);
  });
});
