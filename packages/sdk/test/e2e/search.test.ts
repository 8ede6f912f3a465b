/** search(): structured queries with return types and size (quick reference "Queries"). */
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, Group } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

/** v21 types the search answer as the hits or a free-form object (csv/facets); these are hits. */
function hits<T>(answer: T[] | Record<string, unknown>): T[] {
  if (!Array.isArray(answer)) throw new Error('search answered an object, not a list of hits');
  return answer;
}

describe('search', () => {
  const ctx = useServer();
  let urls: URL[];
  let fw: Client;

  beforeAll(async () => {
    urls = [];
    fw = new Client(ctx.server.apiKey, {
      fetch: (req) => {
        urls.push(new URL(req.url));
        return fetch(req);
      },
    });
    const gid = await ctx.fw.addGroup({ _id: groupId('search'), label: 'Search' });
    const group = (await ctx.fw.get(gid)) as Group;
    const project = await group.addProject({ label: 'Test Project' });
    for (let i = 0; i < 3; i++) {
      const subject = await project.addSubject({ label: `s${i}`, code: `s${i}` });
      const session = await subject.addSession({ label: `ses${i}`, age: (20 + i * 30) * 31557600 });
      await session.addAcquisition({ label: i === 0 ? 'multi_echo' : 'T1w' });
    }
  });

  it('sends simple=true by default (v21: no size default) and returns hits of the requested type', async () => {
    const results = hits(
      await fw.search({
        structured_query: 'project.label = "Test Project"',
        return_type: 'session',
      }),
    );
    const req = urls.find((u) => u.pathname.endsWith('/dataexplorer/search'))!;
    expect(req.searchParams.get('simple')).toBe('true');
    expect(req.searchParams.has('size')).toBe(false);
    expect(results).toHaveLength(3);
    expect(results.every((r) => r.return_type === 'session')).toBe(true);
  });

  it('size is passed through; hits carry their parents (acquisitions labelled multi_echo)', async () => {
    urls.length = 0;
    const results = hits(
      await fw.search(
        { structured_query: 'acquisition.label = multi_echo', return_type: 'acquisition' },
        { size: 10000 },
      ),
    );
    expect(urls[0]!.searchParams.get('size')).toBe('10000');
    expect(results).toHaveLength(1);
    expect(results[0]!.acquisition?.label).toBe('multi_echo');
    expect(results[0]!.subject?.['code']).toBe('s0');
    expect(results[0]!.project?.label).toBe('Test Project');
  });

  it('combined conditions with AND', async () => {
    const age = 64;
    const query = `session.age >= 0 AND session.age <= ${age * 31557600} AND project.label = "Test Project"`;
    const results = hits(
      await fw.search({ structured_query: query, return_type: 'session' }, { size: 10 }),
    );
    expect(results.map((r) => r.session?.label).sort()).toEqual(['ses0', 'ses1']);
  });
});
