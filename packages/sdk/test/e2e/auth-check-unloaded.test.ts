/**
 * The message of a refused key is built in a module loaded with the first refusal
 * (src/client/key-rejected.ts). When that load fails (a browser gone offline), the refusal
 * still reaches the caller, as @fw/api's own 401, and the key is checked again next time
 * instead of the failed load being remembered.
 */
import { describe, expect, it, vi } from 'vitest';
import { AuthenticationError, Client } from '../../src/node.js';
import { useServer } from '../helpers/server.js';

vi.mock('../../src/client/key-rejected.js', () => {
  throw new TypeError('Failed to fetch dynamically imported module: key-rejected.js');
});

describe('auth check, its message module unavailable', () => {
  const ctx = useServer();

  it('a bad key fails as the plain 401, and the next call checks again', async () => {
    const secret = 'not-a-valid-key-0123456789';
    const sent: string[] = [];
    const fw = new Client(ctx.server.apiKey.replace(/[^:]+$/, secret), {
      fetch: (req) => {
        sent.push(`${req.method} ${new URL(req.url).pathname}`);
        return fetch(req);
      },
    });
    for (let i = 0; i < 2; i++) {
      const err = await fw.getCurrentUser().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).status).toBe(401);
      // @fw/api's message, not the SDK's (which names the site and the way out)
      expect((err as Error).message).not.toContain('was rejected by');
      expect(String(err)).not.toContain(secret);
    }
    expect(sent).toEqual(['GET /api/auth/status', 'GET /api/auth/status']);
  });
});
