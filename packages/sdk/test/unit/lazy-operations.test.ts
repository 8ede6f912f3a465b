/**
 * The operation table is loaded by the first call, not by the import or the client: bundles
 * keep it out of their first chunk (`tests/browser` checks the chunk in Chromium). Each test
 * file runs in a fresh module graph, so nothing else has loaded the table here.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/index.js';
import { loadedOperations } from '../../src/client/operations.js';

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
}

describe('the operation table', () => {
  it('loads with the first call, once, and then serves every call', async () => {
    const sent: string[] = [];
    const fw = new Client('flywheel.example.org:abcdefghijklmnop0123', {
      disableAuthCheck: true,
      fetch: async (req) => {
        const url = new URL(req.url);
        sent.push(`${req.method} ${url.pathname}${url.search}`);
        return url.pathname.endsWith('/projects')
          ? json([{ _id: 'p1', label: 'one' }])
          : json({ _id: 'p1', label: 'one' });
      },
    });
    const finder = fw.projects;
    expect(loadedOperations()).toBeUndefined();
    expect(sent).toEqual([]);

    const project = await fw.getProject('p1');
    expect(project.label).toBe('one');
    const table = loadedOperations();
    expect(table?.['get_project']?.path).toBe('/projects/{project_id}');

    // finders read their parameters and model from the same table
    const found = await finder.find({ limit: 5, exhaustive: true });
    expect(found.map((p) => [p.constructor.name, p.label])).toEqual([['Project', 'one']]);
    expect(loadedOperations()).toBe(table);
    expect(sent).toEqual(['GET /api/projects/p1', 'GET /api/projects?exhaustive=true&limit=5']);
  });
});
