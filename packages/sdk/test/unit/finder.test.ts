import { describe, expect, it } from 'vitest';
import {
  createFinder,
  FindOneError,
  type FinderSource,
  type RawPage,
} from '../../src/finders/finder.js';
import { InvalidFilterError } from '../../src/finders/filters.js';

interface Item {
  _id: string;
  label: string;
  n: number;
}

/** An in-memory list endpoint with the server's paging rules; records every query. */
function fakeSource(
  count: number,
  params = ['filter', 'sort', 'limit', 'skip', 'page', 'after_id'],
  /** A server-side cap on the page size (answers hold at most this many items). */
  maxLimit = Infinity,
) {
  const items: Item[] = Array.from({ length: count }, (_, i) => ({
    _id: i.toString(16).padStart(24, '0'),
    label: i % 2 === 0 ? 'even' : 'odd',
    n: i,
  }));
  const calls: Record<string, unknown>[] = [];
  const source: FinderSource<{ id: string; n: number }> = {
    description: 'fw.things',
    params: new Set(params),
    async list(query, withTotal): Promise<RawPage> {
      calls.push({ ...query, withTotal });
      let rows = items.slice();
      if (typeof query['filter'] === 'string') {
        for (const term of (query['filter'] as string).split(',')) {
          const [k, v] = term.split('=') as [keyof Item, string];
          rows = rows.filter((r) => String(r[k]) === v);
        }
      }
      if (query['sort'] === 'n:desc') rows.reverse();
      const total = rows.length;
      if (query['after_id'] !== undefined) {
        if ('sort' in query || 'page' in query)
          throw Object.assign(new Error('422'), { status: 422 });
        rows = rows.filter((r) => r._id > (query['after_id'] as string));
      }
      const asked = query['limit'] as number | undefined;
      const limit = asked === undefined ? undefined : Math.min(asked, maxLimit);
      const skip =
        (query['skip'] as number | undefined) ??
        (query['page'] ? ((query['page'] as number) - 1) * (limit ?? 0) : 0);
      rows = rows.slice(skip, limit !== undefined ? skip + limit : undefined);
      return withTotal ? { results: rows, total } : { results: rows };
    },
    wrap: (raw) => ({ id: (raw as Item)._id, n: (raw as Item).n }),
  };
  return { source, calls, items };
}

describe('finder', () => {
  it('find() without limit: limit=250, no after_id on the first request, then after_id=<last _id>, until an empty page', async () => {
    const { source, calls } = fakeSource(600);
    const all = await createFinder(source)();
    expect(all).toHaveLength(600);
    expect(all.map((x) => x.n)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect('after_id' in calls[0]!).toBe(false);
    expect(calls.map((c) => c['after_id'])).toEqual([
      undefined,
      '0'.repeat(22) + 'f9',
      '0'.repeat(21) + '1f3',
      '0'.repeat(21) + '257',
    ]);
    expect(calls.every((c) => c['limit'] === 250 && !('page' in c) && !('skip' in c))).toBe(true);
    expect(calls.every((c) => c['withTotal'] === false)).toBe(true);
  });

  it('find() without limit still gets everything when the server caps the page size', async () => {
    const { source, calls } = fakeSource(60, undefined, 25);
    expect(await createFinder(source).find()).toHaveLength(60);
    expect(calls.map((c) => c['after_id'])).toEqual([
      undefined,
      '0'.repeat(22) + '18',
      '0'.repeat(22) + '31',
      '0'.repeat(22) + '3b',
    ]);
  });

  it('find joins filters; find({ limit }) is one request with that limit', async () => {
    const { source, calls } = fakeSource(600);
    const f = createFinder(source);
    const odd = await f.find('label=odd');
    expect(odd).toHaveLength(300);
    expect(calls[0]!['filter']).toBe('label=odd');
    calls.length = 0;
    const capped = await f.find('label=odd', { limit: 3 });
    expect(capped.map((x) => x.n)).toEqual([1, 3, 5]);
    expect(calls).toEqual([{ filter: 'label=odd', limit: 3, withTotal: false }]);
    calls.length = 0;
    expect(await f({ limit: 400 })).toHaveLength(400);
    expect(calls).toEqual([{ limit: 400, withTotal: false }]);
  });

  it('find with sort walks page=1,2,… with limit and never sends after_id', async () => {
    const { source, calls } = fakeSource(300);
    const sorted = await createFinder(source).find({ sort: 'n:desc' });
    expect(sorted[0]!.n).toBe(299);
    expect(sorted).toHaveLength(300);
    expect(calls.map((c) => c['page'])).toEqual([1, 2, 3]);
    expect(calls.every((c) => c['limit'] === 250 && c['sort'] === 'n:desc')).toBe(true);
    expect(calls.some((c) => 'after_id' in c)).toBe(false);
  });

  it('iterFind with sort sends page and limit (the page size); without sort after_id and limit', async () => {
    const { source, calls } = fakeSource(12);
    const f = createFinder(source);
    const sorted: number[] = [];
    for await (const x of f.iterFind('label=even', { sort: 'n:desc', limit: 4 })) sorted.push(x.n);
    expect(sorted).toEqual([10, 8, 6, 4, 2, 0]);
    expect(calls).toEqual(
      [1, 2, 3].map((page) => ({
        filter: 'label=even',
        sort: 'n:desc',
        limit: 4,
        page,
        withTotal: false,
      })),
    );
    calls.length = 0;
    const byId: number[] = [];
    for await (const x of f.iter({ limit: 5 })) byId.push(x.n);
    expect(byId).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(calls).toEqual([
      { limit: 5, withTotal: false },
      { limit: 5, after_id: '0'.repeat(23) + '4', withTotal: false },
      { limit: 5, after_id: '0'.repeat(23) + '9', withTotal: false },
      { limit: 5, after_id: '0'.repeat(23) + 'b', withTotal: false },
    ]);
  });

  it('after_id paging stops when the server ignores after_id instead of looping', async () => {
    const { source, calls } = fakeSource(5, ['limit', 'after_id']);
    const stuck: FinderSource<{ id: string; n: number }> = {
      ...source,
      list: (query, withTotal) => source.list({ limit: query['limit'] }, withTotal),
    };
    const seen: number[] = [];
    for await (const x of createFinder(stuck).iter({ limit: 5 })) seen.push(x.n);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(calls).toHaveLength(2);
  });

  it('only page() and a failing findOne ask for totals (the pagination feature)', async () => {
    const { source, calls } = fakeSource(10);
    const f = createFinder(source);
    await f.find();
    await f.find({ limit: 3 });
    await f.findFirst('label=odd');
    await f.findOne('n=4');
    for await (const _ of f.iter({ limit: 4 })) void _;
    expect(calls.every((c) => c['withTotal'] === false)).toBe(true);
    calls.length = 0;
    await f.page({ limit: 3 });
    expect(calls).toEqual([{ limit: 3, page: 1, withTotal: true }]);
  });

  it('page or skip ask for exactly one window', async () => {
    const { source, calls } = fakeSource(30);
    const f = createFinder(source);
    expect((await f({ limit: 10, page: 2 })).map((x) => x.n)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect((await f({ skip: 25 })).map((x) => x.n)).toEqual([25, 26, 27, 28, 29]);
    expect(calls).toHaveLength(2);
  });

  it('findFirst asks for one item and returns null when nothing matches', async () => {
    const { source, calls } = fakeSource(10);
    const f = createFinder(source);
    expect((await f.findFirst('label=odd'))!.n).toBe(1);
    expect(calls[0]!['limit']).toBe(1);
    expect(await f.findFirst('label=none')).toBeNull();
  });

  it('findOne returns the only match and says how many otherwise', async () => {
    const { source, calls } = fakeSource(10);
    const f = createFinder(source);
    expect((await f.findOne('n=4')).n).toBe(4);
    expect(calls).toEqual([{ filter: 'n=4', limit: 2, withTotal: false }]);
    await expect(f.findOne('label=odd')).rejects.toThrow(
      'fw.things.findOne("label=odd"): found 5 results instead of 1',
    );
    const err = await f.findOne('label=none').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FindOneError);
    expect((err as FindOneError).count).toBe(0);
  });

  it('iter / iterFind are lazy async iterables with limit as the page size', async () => {
    const { source, calls } = fakeSource(25);
    const f = createFinder(source);
    const it = f.iterFind('label=even', { limit: 5 });
    expect(calls).toHaveLength(0); // nothing fetched before iteration starts
    const seen: number[] = [];
    for await (const x of it) {
      seen.push(x.n);
      if (seen.length === 6) break;
    }
    expect(seen).toEqual([0, 2, 4, 6, 8, 10]);
    // stopped early, at the first item of the second page: the two pages of 5, and the third
    // asked for ahead as the second was reached (no further one)
    expect(calls).toHaveLength(3);
    let count = 0;
    for await (const _ of f.iter({ limit: 10 })) count++;
    expect(count).toBe(25);
  });

  it('page() returns results with the totals, and walks to the next pages', async () => {
    const { source } = fakeSource(23);
    const f = createFinder(source);
    const first = await f.page({ limit: 10 });
    expect(first.total).toBe(23);
    expect(first.count).toBe(10);
    expect(first.hasNextPage()).toBe(true);
    const pages: number[] = [];
    for await (const p of first.iterPages()) pages.push(p.count);
    expect(pages).toEqual([10, 10, 3]);
    const byId = await f.page({ limit: 10, afterId: '' });
    const second = await byId.getNextPage();
    expect(second.results[0]!.n).toBe(10);
    const items: number[] = [];
    for await (const x of await f.page({ limit: 7, filters: ['label=odd'] })) items.push(x.n);
    expect(items).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
  });

  it('validates filters and sorts before any request', async () => {
    const { source, calls } = fakeSource(3);
    const f = createFinder(source);
    await expect(f.find('label')).rejects.toBeInstanceOf(InvalidFilterError);
    await expect(f.find({ sort: 'label:sideways' })).rejects.toThrow(/Invalid sort/);
    expect(calls).toHaveLength(0);
  });

  it('a list without paging parameters is fetched in one request; filters are refused', async () => {
    const { source, calls } = fakeSource(300, []);
    const f = createFinder(source);
    expect(await f()).toHaveLength(300);
    expect(calls).toEqual([{ withTotal: false }]);
    await expect(f.find('label=odd')).rejects.toThrow(/does not support filters/);
  });

  it('names the filter when the server rejects it', async () => {
    const source: FinderSource<unknown> = {
      description: 'fw.projects',
      params: new Set(['filter', 'limit', 'after_id']),
      list: async () => {
        throw Object.assign(new Error('(422) Reason: Unprocessable Entity'), { status: 422 });
      },
      wrap: (x) => x,
    };
    await expect(createFinder(source).find('created>notadate')).rejects.toThrow(
      '(422) Reason: Unprocessable Entity (rejected by the server for fw.projects with filter "created>notadate")',
    );
  });
  it('params given as a loader: loaded once, on first use; a failed load is tried again', async () => {
    const { source, calls } = fakeSource(5);
    let loads = 0;
    let fail = true;
    const lazy: FinderSource<{ id: string; n: number }> = {
      ...source,
      params: async () => {
        loads++;
        if (fail) throw new Error('chunk load failed');
        return source.params as ReadonlySet<string>;
      },
    };
    const f = createFinder(lazy);
    const walk = f.iter({ limit: 2 }); // nothing is loaded or sent before the walk starts
    expect(loads).toBe(0);
    await expect(walk.next()).rejects.toThrow('chunk load failed');
    fail = false;
    expect((await f()).map((x) => x.n)).toEqual([0, 1, 2, 3, 4]);
    expect(await f.findFirst()).toEqual({ id: '0'.repeat(24), n: 0 });
    expect(loads).toBe(2);
    // the loaded set still checks options, naming the finder method
    await expect(f.find({ bogus: 1 } as never)).rejects.toThrow(
      'fw.things.find: unknown option "bogus"',
    );
    expect(calls.every((c) => !('bogus' in c))).toBe(true);
  });

  it('iter() checks its options when the walk starts, and page() rejects rather than throws', async () => {
    const { source, calls } = fakeSource(3);
    const f = createFinder(source);
    const walk = f.iter({ nope: true } as never);
    await expect(walk.next()).rejects.toThrow('fw.things.iter: unknown option "nope"');
    const page = f.page({ nope: true } as never);
    await expect(page).rejects.toThrow('fw.things.page: unknown option "nope"');
    expect(calls).toHaveLength(0);
  });
});
