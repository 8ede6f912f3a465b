import { beforeAll, describe, expect, it } from 'vitest';
import { gid, useServer } from './helpers/server.js';

const t = useServer();
let group: string;
let project: string;
const PAG = { 'X-Accept-Feature': 'pagination' };

beforeAll(async () => {
  group = gid();
  await t.ok('POST', '/groups', { body: { _id: group, label: 'Finders' } });
  project = (await t.ok('POST', '/projects', { body: { group, label: 'P' } }))._id;
  for (let i = 1; i <= 12; i++) {
    await t.ok('POST', '/sessions', {
      body: {
        project,
        label: i === 5 ? 'Session 5' : `ses-${String(i).padStart(2, '0')}`,
        subject: { code: `sub-${i % 3}` },
        info: { n: i, even: i % 2 === 0 },
      },
    });
  }
});

const labels = (xs: any[]) => xs.map((x) => x.label);

describe('finders', () => {
  it('filters by equality, unquoted values with spaces, and quoted strings', async () => {
    expect(
      labels(await t.ok('GET', `/projects/${project}/sessions?filter=label=Session 5`)),
    ).toEqual(['Session 5']);
    expect(
      labels(
        await t.ok(
          'GET',
          `/projects/${project}/sessions?filter=${encodeURIComponent('label="ses-01"')}`,
        ),
      ),
    ).toEqual(['ses-01']);
    expect(await t.ok('GET', `/projects/${project}/sessions?filter=label=nothing`)).toEqual([]);
  });

  it('filters on info numbers, booleans, regex, != and combined clauses', async () => {
    const big = await t.ok('GET', `/projects/${project}/sessions?filter=info.n>=10`);
    expect(labels(big).sort()).toEqual(['ses-10', 'ses-11', 'ses-12']);
    const even = await t.ok('GET', `/projects/${project}/sessions?filter=info.even=true,info.n<5`);
    expect(labels(even).sort()).toEqual(['ses-02', 'ses-04']);
    const rx = await t.ok(
      'GET',
      `/projects/${project}/sessions?filter=${encodeURIComponent('label=~^ses-0[12]$')}`,
    );
    expect(labels(rx).sort()).toEqual(['ses-01', 'ses-02']);
    const ne = await t.ok('GET', `/projects/${project}/sessions?filter=label!=Session 5`);
    expect(ne).toHaveLength(11);
    const bySubject = await t.ok('GET', `/projects/${project}/sessions?filter=subject.code=sub-1`);
    expect(bySubject).toHaveLength(4);
  });

  it('filters on parents and on _id', async () => {
    const all = await t.ok('GET', `/sessions?filter=parents.project=${project}`);
    expect(all).toHaveLength(12);
    const one = await t.ok('GET', `/sessions?filter=_id=${all[3]._id}`);
    expect(one.map((s: any) => s._id)).toEqual([all[3]._id]);
    expect(await t.ok('GET', `/sessions?filter=project=${project}&limit=2`)).toHaveLength(2);
  });

  it('sorts, limits, skips and pages', async () => {
    const desc = await t.ok('GET', `/projects/${project}/sessions?sort=info.n:desc&limit=3`);
    expect(desc.map((s: any) => s.label)).toEqual(['ses-12', 'ses-11', 'ses-10']);
    const page2 = await t.ok('GET', `/projects/${project}/sessions?sort=info.n&limit=5&page=2`);
    expect(page2.map((s: any) => s.label)).toEqual([
      'ses-06',
      'ses-07',
      'ses-08',
      'ses-09',
      'ses-10',
    ]);
    const skipped = await t.ok('GET', `/projects/${project}/sessions?sort=info.n&limit=2&skip=10`);
    expect(skipped.map((s: any) => s.label)).toEqual(['ses-11', 'ses-12']);
  });

  it('answers {results, total, count} with the pagination feature', async () => {
    const r = await t.ok('GET', `/projects/${project}/sessions?limit=5`, { headers: PAG });
    expect(r.total).toBe(12);
    expect(r.count).toBe(5);
    expect(r.results).toHaveLength(5);
    const bare = await t.ok('GET', `/projects/${project}/sessions?limit=5`);
    expect(Array.isArray(bare)).toBe(true);
  });

  it('rejects bad finder parameters with 4xx', async () => {
    for (const [q, name] of [
      ['limit=abc', 'limit'],
      ['skip=1.5', 'skip'],
      ['page=x&limit=2', 'page'],
      ['page=2', 'page'],
      ['after_id=&sort=label', 'after_id'],
      ['after_id=&skip=1', 'after_id'],
      ['after_id=a&after_id=b', 'after_id'],
      ['limit=1&limit=2', 'limit'],
      ['filter=nooperator', 'filter'],
      ['sort=label:sideways', 'sort'],
      ['page=1&skip=1&limit=1', 'page'],
    ]) {
      const r = await t.call('GET', `/projects/${project}/sessions?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body.status_code).toBe(422);
      expect(r.body.message, q).toContain(`"${name}"`);
    }
  });

  it('after_id iteration returns every item exactly once while items are added', async () => {
    const seen: string[] = [];
    let after = '';
    let added = 0;
    for (;;) {
      const page = await t.ok('GET', `/projects/${project}/sessions?limit=4&after_id=${after}`);
      if (page.length === 0) break;
      for (const s of page) seen.push(s._id);
      after = page[page.length - 1]._id;
      if (added < 3) {
        await t.ok('POST', '/sessions', {
          body: { project, label: `late-${added}`, subject: { code: `late-${added}` } },
        });
        added++;
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    const all = await t.ok('GET', `/projects/${project}/sessions`);
    expect(seen.sort()).toEqual(all.map((s: any) => s._id).sort());
    expect(seen.length).toBe(15);
  });
});
