/**
 * The HTTP error classes load with the first error answer (src/api-errors.ts). When that load
 * fails (a browser gone offline, a chunk the host no longer serves), the call must still fail
 * with a typed error that names the answer, not with the loader's own error.
 */
import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../src/client.js';
import { FlywheelError } from '../src/flywheel-error.js';

vi.mock('../src/api-errors.js', () => {
  throw new TypeError('Failed to fetch dynamically imported module: api-errors.js');
});

const KEY = 'flywheel.example.org:secret-key-1234';

describe('error classes that cannot be loaded', () => {
  it('an error answer still fails as a FlywheelError with the method, URL and status', async () => {
    const fetch = async (): Promise<Response> =>
      new Response(JSON.stringify({ message: 'no such project' }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    const api = createApiClient({ apiKey: KEY, fetch, maxRetries: 0 });
    const err = await api
      .GET('/projects/{project_id}', { params: { path: { project_id: 'p1' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlywheelError);
    expect((err as Error).message).toBe(
      'GET https://flywheel.example.org/api/projects/p1: HTTP 404',
    );
    // the loader's failure is kept as the cause
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(JSON.stringify(err)).not.toContain('secret-key-1234');
  });

  it('a 2xx answer never needs them', async () => {
    const fetch = async (): Promise<Response> =>
      new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
    const api = createApiClient({ apiKey: KEY, fetch });
    const { data } = await api.GET('/projects');
    expect(data).toEqual([]);
  });
});
