/**
 * The typed filter form (`where`) against the server: each typed filter finds the same items as
 * the equivalent filter string (and the items expected from the seeded data); unknown fields are
 * refused before any request.
 */
import { Temporal } from 'temporal-polyfill';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, InvalidFilterError, type Group, type Project } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

interface Seed {
  label: string;
  tags: string[];
  site?: string;
  age: number;
  timestamp: string;
  operator?: string;
}

// Labels with a comma, quotes and text that would read as a number or boolean unquoted.
const SEED: Seed[] = [
  { label: 'base,line A', tags: ['a'], site: 'A', age: 20, timestamp: '2020-01-01T10:00:00Z' },
  { label: 'baseline', tags: ['b'], site: 'B', age: 30, timestamp: '2020-06-01T00:00:00Z' },
  {
    label: 'followup',
    tags: ['a', 'b'],
    site: 'A',
    age: 40,
    timestamp: '2021-01-01T00:00:00Z',
    operator: 'dr who',
  },
  { label: 'Follow "q" up', tags: [], site: 'B', age: 50, timestamp: '2021-06-01T12:30:00Z' },
  { label: '42', tags: ['c'], age: 60, timestamp: '2022-01-01T00:00:00Z', operator: 'Dr No' },
  { label: 'true', tags: ['c', 'a'], site: 'C', age: 70, timestamp: '2022-06-01T00:00:00Z' },
];

describe('finder where filters', () => {
  const ctx = useServer();
  let project: Project;
  let byLabel: Map<string, string>;
  let requests: URL[];
  let fw: Client;

  const ids = (items: { id: string }[]) => items.map((s) => s.id).sort();
  const labelsOf = (items: { label?: string | null | undefined }[]) =>
    items.map((s) => s.label).sort();

  beforeAll(async () => {
    requests = [];
    fw = new Client(ctx.server.apiKey, {
      fetch: (req) => {
        requests.push(new URL(req.url));
        return fetch(req);
      },
    });
    const group = await fw.get(await fw.addGroup({ _id: groupId('where'), label: 'Where' }));
    project = await (group as Group).addProject({ label: 'Where' });
    byLabel = new Map();
    for (const [i, s] of SEED.entries()) {
      const subject = await project.addSubject({ label: `sub-${i}`, code: `sub-${i}` });
      const session = await subject.addSession({
        label: s.label,
        age: s.age,
        timestamp: s.timestamp,
        ...(s.site !== undefined ? { info: { site: s.site } } : {}),
        ...(s.operator !== undefined ? { operator: s.operator } : {}),
      });
      for (const t of s.tags) await session.addTag(t);
      byLabel.set(s.label, session.id);
    }
  });

  /** Both forms, on the same finder: the same items, and exactly the expected labels. */
  async function same(where: object, filter: string, expected: string[]) {
    const typed = await project.sessions.find(where as never);
    const plain = await project.sessions.find(filter);
    expect(ids(typed)).toEqual(ids(plain));
    expect(labelsOf(typed)).toEqual([...expected].sort());
  }

  it('a plain value is eq, and strings stay strings ("42", "true")', async () => {
    await same({ where: { label: 'baseline' } }, 'label=baseline', ['baseline']);
    await same({ where: { label: '42' } }, 'label="42"', ['42']);
    await same({ where: { label: 'true' } }, 'label="true"', ['true']);
    await same({ where: { label: 'Follow "q" up' } }, 'label=Follow "q" up', ['Follow "q" up']);
  });

  it('matches a value with a comma exactly (which no filter string can say)', async () => {
    const found = await project.sessions.find({ where: { label: 'base,line A' } });
    expect(ids(found)).toEqual([byLabel.get('base,line A')]);
    const inList = await project.sessions.find({
      where: { label: { in: ['base,line A', 'baseline'] } },
    });
    expect(labelsOf(inList)).toEqual(['base,line A', 'baseline']);
  });

  it('dates: Date, Temporal instant and date strings compare with the timestamp', async () => {
    const after = ['followup', 'Follow "q" up', '42', 'true'];
    await same(
      { where: { timestamp: { gt: new Date('2020-07-01T00:00:00Z') } } },
      'timestamp>2020-07-01',
      after,
    );
    await same(
      { where: { timestamp: { gt: Temporal.Instant.from('2020-07-01T00:00:00Z') } } },
      'timestamp>2020-07-01T00:00:00',
      after,
    );
    await same(
      { where: { timestamp: { gte: '2020-06-01', lt: new Date('2021-06-01T12:30:00Z') } } },
      'timestamp>=2020-06-01,timestamp<2021-06-01T12:30:00',
      ['baseline', 'followup'],
    );
  });

  it('numbers and ranges', async () => {
    await same({ where: { age: { gte: 30, lt: 50 } } }, 'age>=30,age<50', ['baseline', 'followup']);
    await same(
      { where: { age: { ne: 20 } } },
      'age!=20',
      SEED.slice(1).map((s) => s.label),
    );
    await same({ where: { age: 70 } }, 'age=70', ['true']);
  });

  it('info sub-paths', async () => {
    await same({ where: { 'info.site': 'A' } }, 'info.site=A', ['base,line A', 'followup']);
    await same({ where: { 'info.site': { exists: false } } }, 'info.site=null', ['42']);
  });

  it('in / nin on an array field match like the union / the complement of eq', async () => {
    const a = await project.sessions.find('tags=a');
    const b = await project.sessions.find('tags=b');
    const union = [...new Set([...ids(a), ...ids(b)])].sort();
    const typed = await project.sessions.find({ where: { tags: { in: ['a', 'b'] } } });
    expect(ids(typed)).toEqual(union);
    expect(labelsOf(typed)).toEqual(['base,line A', 'baseline', 'followup', 'true']);
    await same({ where: { tags: { nin: ['a', 'b'] } } }, 'tags!=a,tags!=b', [
      'Follow "q" up',
      '42',
    ]);
  });

  it('regex and exists', async () => {
    await same({ where: { label: /^FOLLOW/i } }, 'label=~(?i)^follow', [
      'followup',
      'Follow "q" up',
    ]);
    await same({ where: { operator: { regex: '^[Dd]r ' } } }, 'operator=~^[Dd]r ', [
      'followup',
      '42',
    ]);
    await same({ where: { operator: { exists: true } } }, 'operator!=null', ['followup', '42']);
  });

  it('combines with filter strings, on top-level finders too', async () => {
    const found = await fw.sessions.find(`project=${project.id}`, {
      where: { 'info.site': 'B', age: { gt: 30 } },
    });
    expect(labelsOf(found)).toEqual(['Follow "q" up']);
    const first = await project.sessions.findFirst({ where: { tags: 'c' }, sort: 'age:desc' });
    expect(first?.label).toBe('true');
    const one = await project.sessions.findOne({ where: { label: { regex: /,/ } } });
    expect(one.label).toBe('base,line A');
    const page = await project.sessions.page({ where: { age: { lte: 40 } }, limit: 2 });
    expect(page.total).toBe(3);
    const iterated: string[] = [];
    for await (const s of project.sessions.iterFind({ where: { age: { gt: 40 } }, limit: 1 })) {
      iterated.push(s.label!);
    }
    expect(iterated.sort()).toEqual(['42', 'Follow "q" up', 'true']);
  });

  it('rejects an unknown field before any request, naming it, the type and near names', async () => {
    const before = requests.length;
    const untyped = project.sessions.find as (o: object) => Promise<unknown>;
    const err = await untyped({ where: { lable: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidFilterError);
    const e = err as InvalidFilterError;
    expect(e.code).toBe('FW_INVALID_FILTER');
    expect(e.field).toBe('lable');
    expect(e.containerType).toBe('session');
    expect(e.message).toContain('project.sessions.find');
    expect(e.message).toContain('"lable"');
    expect(e.message).toMatch(/Nearest valid names: label\b/);
    expect(requests.length).toBe(before);
  });

  it('checks fields per container type and finder', async () => {
    const call = (f: unknown, o: object) => (f as (o: object) => Promise<unknown>)(o);
    // projects have no `code` (subjects do)
    await expect(call(fw.projects.find, { where: { code: 'x' } })).rejects.toThrow(
      /fw\.projects\.find: unknown field "code".*a project has no field "code"/,
    );
    await expect(call(fw.subjects.find, { where: { code: 'x' } })).resolves.toEqual([]);
    // a sub-path of a string field
    await expect(call(project.sessions.find, { where: { 'label.x': 'y' } })).rejects.toThrow(
      /"label" of a session is a string, so it has no sub-field "x"/,
    );
    // files list FileOutput
    await expect(call(fw.files.find, { where: { nmae: 'a.txt' } })).rejects.toThrow(
      /a file has no field "nmae".*Nearest valid names: name\b/,
    );
    // parent aliases on containers with parents
    const viaAlias = await fw.sessions.find({ where: { project: project.id } });
    expect(viaAlias).toHaveLength(SEED.length);
    // the call form names the finder call
    await expect(call(fw.projects, { where: { lable: 'x' } })).rejects.toThrow(
      /^fw\.projects\(\): /,
    );
  });

  it('rejects malformed conditions clearly', async () => {
    const call = (o: object) => (project.sessions.find as (o: object) => Promise<unknown>)(o);
    await expect(call({ where: { label: { like: 'x' } } })).rejects.toThrow(
      /unknown operator "like"/,
    );
    await expect(call({ where: { label: { ne: 'a,b' } } })).rejects.toThrow(
      /a value with a comma can only be matched with eq, in or regex/,
    );
    await expect(call({ where: { age: { in: [1, 2] } } })).rejects.toThrow(
      /in with several values works for strings only/,
    );
    await expect(call({ where: { label: /a{1,2}/ } })).rejects.toThrow(/\{m,n\} quantifier/);
    await expect(call({ where: { info: { site: 'A' } } })).rejects.toThrow(
      /write "info.site" as the key/,
    );
  });
});
