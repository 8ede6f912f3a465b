/**
 * Finder paging on the wire (v21 rules) against @fw/server: which requests `find`, `iter`,
 * `iterFind` and `page` send, and what they send in each.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, DEFAULT_PAGE_SIZE, mapConcurrent, type Project } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

interface Sent {
  url: URL;
  features: string;
}

describe('finder paging on the wire', () => {
  const ctx = useServer();
  let sent: Sent[];
  let fw: Client;
  let project: Project;
  let ids: string[];
  const COUNT = DEFAULT_PAGE_SIZE + 10; // more than one internal page

  /** The list requests to the project's subjects since the last reset. */
  const subjectPages = () =>
    sent.filter((s) => s.url.pathname === `/api/projects/${project.id}/subjects`);

  beforeAll(async () => {
    sent = [];
    fw = new Client(ctx.server.apiKey, {
      fetch: (req) => {
        sent.push({ url: new URL(req.url), features: req.headers.get('x-accept-feature') ?? '' });
        return fetch(req);
      },
    });
    const gid = await ctx.fw.addGroup({ _id: groupId('paging'), label: 'Paging' });
    const group = await ctx.fw.getGroup(gid);
    project = await group.addProject({ label: 'Many subjects' });
    ids = await mapConcurrent(
      Array.from({ length: COUNT }, (_, i) => i),
      8,
      async (i) =>
        (
          await project.addSubject({
            label: `s-${String(i).padStart(3, '0')}`,
            code: `s-${String(i).padStart(3, '0')}`,
            info: { n: i },
          })
        ).id,
    );
    project = await fw.getProject(project.id); // a project bound to the recording client
  });

  it(`GET /projects/{id}/subjects: find() without limit sends limit=${DEFAULT_PAGE_SIZE}, no after_id first, then after_id=<last _id>, until an empty page`, async () => {
    sent.length = 0;
    const all = await project.subjects.find();
    expect(all).toHaveLength(COUNT);
    expect(new Set(all.map((s) => s.id))).toEqual(new Set(ids));
    const pages = subjectPages();
    expect(pages).toHaveLength(3); // 250, 10, then the empty page that ends the walk
    expect(pages.every((p) => p.url.searchParams.get('limit') === String(DEFAULT_PAGE_SIZE))).toBe(
      true,
    );
    expect(pages[0]!.url.searchParams.has('after_id')).toBe(false);
    expect(pages[1]!.url.searchParams.get('after_id')).toBe(all[DEFAULT_PAGE_SIZE - 1]!.id);
    expect(pages[2]!.url.searchParams.get('after_id')).toBe(all[COUNT - 1]!.id);
    expect(
      pages.some((p) => p.url.searchParams.has('page') || p.url.searchParams.has('skip')),
    ).toBe(false);
  });

  it('GET /projects/{id}/subjects?limit=5: find({ limit: 5 }) is one request and returns that page', async () => {
    sent.length = 0;
    const five = await project.subjects.find({ limit: 5 });
    expect(five).toHaveLength(5);
    const pages = subjectPages();
    expect(pages).toHaveLength(1);
    expect(pages[0]!.url.searchParams.get('limit')).toBe('5');
    expect(pages[0]!.url.searchParams.has('after_id')).toBe(false);
  });

  it('GET /projects/{id}/subjects?limit=100&after_id=…: iterFind without sort pages on after_id, no page parameter', async () => {
    sent.length = 0;
    const seen: string[] = [];
    for await (const s of project.subjects.iterFind('label=~^s-', { limit: 100 })) seen.push(s.id);
    expect(new Set(seen)).toEqual(new Set(ids));
    const pages = subjectPages();
    expect(pages).toHaveLength(4); // 100, 100, 60, empty
    expect(pages.every((p) => p.url.searchParams.get('limit') === '100')).toBe(true);
    expect(pages.every((p) => p.url.searchParams.get('filter') === 'label=~^s-')).toBe(true);
    expect(
      pages.some((p) => p.url.searchParams.has('page') || p.url.searchParams.has('sort')),
    ).toBe(false);
    expect(pages.slice(1).map((p) => p.url.searchParams.get('after_id'))).toEqual([
      seen[99],
      seen[199],
      seen[COUNT - 1],
    ]);
  });

  it('GET /projects/{id}/subjects?sort=code:desc&limit=100&page=N: iterFind with sort pages by page and limit, never after_id', async () => {
    sent.length = 0;
    const codes: string[] = [];
    for await (const s of project.subjects.iterFind({ sort: 'code:desc', limit: 100 }))
      codes.push(s.code!);
    expect(codes).toHaveLength(COUNT);
    expect(codes).toEqual([...codes].sort().reverse());
    const pages = subjectPages();
    expect(pages.map((p) => p.url.searchParams.get('page'))).toEqual(['1', '2', '3', '4']);
    expect(pages.every((p) => p.url.searchParams.get('limit') === '100')).toBe(true);
    expect(pages.every((p) => p.url.searchParams.get('sort') === 'code:desc')).toBe(true);
    expect(pages.some((p) => p.url.searchParams.has('after_id'))).toBe(false);
  });

  it('find({ sort }) without limit walks page=1,2,… with limit=250 and returns every match in order', async () => {
    sent.length = 0;
    const sorted = await project.subjects.find({ sort: 'code:asc' });
    expect(sorted.map((s) => s.code)).toEqual(
      Array.from({ length: COUNT }, (_, i) => `s-${String(i).padStart(3, '0')}`),
    );
    expect(subjectPages().map((p) => p.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
  });

  it('X-Accept-Feature: pagination is sent by page() (for total) and not by find, iter, findFirst or findOne', async () => {
    sent.length = 0;
    await project.subjects.find({ limit: 3 });
    await project.subjects.findFirst('code=s-001');
    await project.subjects.findOne('code=s-002');
    for await (const _ of project.subjects.iter({ limit: 200 })) void _;
    expect(subjectPages().length).toBeGreaterThan(3);
    expect(subjectPages().some((p) => /pagination/i.test(p.features))).toBe(false);
    sent.length = 0;
    const page = await project.subjects.page({ limit: 7, page: 2, sort: 'code:asc' });
    expect(page.total).toBe(COUNT);
    expect(page.results.map((s) => s.code)).toEqual(
      Array.from({ length: 7 }, (_, i) => `s-${String(i + 7).padStart(3, '0')}`),
    );
    const pages = subjectPages();
    expect(pages).toHaveLength(1);
    expect(pages[0]!.features).toMatch(/pagination/i);
    expect(pages[0]!.url.searchParams.get('page')).toBe('2');
  });

  it('list items are the list form (no info); reload() returns the full object', async () => {
    const item = (await project.subjects.findOne('code=s-005'))!;
    expect(item.info ?? {}).toEqual({});
    const full = await item.reload();
    expect(full.info).toEqual({ n: 5 });
  });

  it('iter asks for the second page once half of the first is taken, and for each later one as the page before it is reached', async () => {
    sent.length = 0;
    const seen: { item: number; requests: number }[] = [];
    let n = 0;
    for await (const subject of project.subjects.iter({ limit: 100 })) {
      void subject;
      seen.push({ item: n++, requests: subjectPages().length });
    }
    expect(n).toBe(COUNT);
    // The item at which each request had reached fetch: the request is made as item 50 is handed
    // out and reaches fetch a few microtasks later, so within a few items (without the prefetch,
    // it would be made only at item 100).
    const reachedAt = (k: number) => seen.findIndex((s) => s.requests >= k);
    // items 0-49 of the first page: only the first request
    expect(seen[49]!.requests).toBe(1);
    expect(reachedAt(2)).toBeGreaterThanOrEqual(50);
    expect(reachedAt(2)).toBeLessThanOrEqual(53);
    // a walk past the first page is a walk: each later page asks for the next as it is reached
    expect(seen[99]!.requests).toBe(2);
    expect(reachedAt(3)).toBeGreaterThanOrEqual(100);
    expect(reachedAt(3)).toBeLessThanOrEqual(103);
    // 100, 100, 60, then the empty page that ends the walk: no request more than without prefetch
    expect(subjectPages()).toHaveLength(4);
    const cursors = subjectPages().map((p) => p.url.searchParams.get('after_id'));
    expect(cursors[0]).toBeNull();
    expect(new Set(cursors).size).toBe(4);
  });

  it('iter left in the first half of a page sends no further request', async () => {
    sent.length = 0;
    let n = 0;
    for await (const subject of project.subjects.iter({ limit: 100 })) {
      void subject;
      if (++n === 40) break;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(subjectPages()).toHaveLength(1);
  });
});
