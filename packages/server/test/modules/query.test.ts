import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  QueryError,
  parseFilter,
  parseListQuery,
  parseSort,
  registerSqlFunctions,
  toStoredTimestamp,
  type DocTarget,
  type ListQueryInput,
} from '../../src/query/index.js';

const target: DocTarget = {
  docColumn: 't.doc',
  columns: {
    _id: 't.id',
    label: 't.label',
    created: 't.created',
    'parents.project': 't.project_id',
  },
};

const docs = [
  {
    _id: 'a1',
    label: 'Session 1',
    created: '2019-01-01T00:00:00',
    parents: { project: 'p1', subject: 's1' },
    info: { cohort: 'control', age: 30, flag: true, nested: { x: 'deep' } },
    tags: ['t1', 'qa'],
    subject: { code: 'sub-01' },
  },
  {
    _id: 'a2',
    label: 'Session 2',
    created: '2019-01-01T12:30:00',
    parents: { project: 'p1', subject: 's2' },
    info: { cohort: 'patient', age: '30', flag: false },
    tags: ['t2'],
    subject: { code: 'sub-02' },
  },
  {
    _id: 'a3',
    label: 'session 3',
    created: '2019-01-02T00:00:00',
    parents: { project: 'p2', subject: 's3' },
    info: { cohort: null, age: 45.5 },
    tags: [],
    subject: { code: 'sub-03' },
  },
  {
    _id: 'a4',
    label: '42',
    created: '2018-12-31T23:59:59',
    parents: { project: 'p2', subject: 's4' },
    info: { age: 7 },
    subject: { code: 'sub 04' },
  },
];

let db: Database.Database;
beforeAll(() => {
  db = new Database(':memory:');
  registerSqlFunctions(db);
  db.exec(
    'CREATE TABLE t (id TEXT PRIMARY KEY, label TEXT, created TEXT, project_id TEXT, doc TEXT NOT NULL)',
  );
  const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
  // Insert out of id order so that any reliance on rowid order shows up.
  for (const d of [docs[2]!, docs[0]!, docs[3]!, docs[1]!]) {
    const doc = { ...d, created: toStoredTimestamp(d.created + 'Z') };
    ins.run(d._id, d.label, doc.created, d.parents.project, JSON.stringify(doc));
  }
});

function ids(q: ListQueryInput): string[] {
  const p = parseListQuery(q, target);
  const sql = `SELECT t.id FROM t WHERE ${p.where.sql} ORDER BY ${p.orderBy.sql} ${p.limitClause.sql}`;
  return db
    .prepare(sql)
    .pluck()
    .all(...p.where.params, ...p.orderBy.params, ...p.limitClause.params) as string[];
}
const filter = (f: string) => ids({ filter: f });

function queryError(fn: () => unknown): QueryError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error('expected a QueryError');
}

describe('toStoredTimestamp', () => {
  it('uses the fixed-width UTC wire format', () => {
    expect(toStoredTimestamp('2019-06-01T12:00:00.123Z')).toBe('2019-06-01T12:00:00.123000+00:00');
    expect(toStoredTimestamp(new Date(Date.UTC(2020, 0, 2)))).toBe(
      '2020-01-02T00:00:00.000000+00:00',
    );
  });
});

describe('filter parsing', () => {
  it('longest operator wins and values are typed', () => {
    expect(parseFilter('a<=5,b>=x,c!=null,d=~^x=y,e<1,f>2,g=true')).toMatchObject([
      { field: 'a', op: '<=', value: { type: 'number', value: 5 } },
      { field: 'b', op: '>=', value: { type: 'string', value: 'x' } },
      { field: 'c', op: '!=', value: { type: 'null' } },
      { field: 'd', op: '=~', value: { type: 'string', value: '^x=y' } },
      { field: 'e', op: '<', value: { type: 'number', value: 1 } },
      { field: 'f', op: '>', value: { type: 'number', value: 2 } },
      { field: 'g', op: '=', value: { type: 'boolean', value: true } },
    ]);
  });
  it('quotes force strings; dates and timestamps become stored timestamps', () => {
    expect(parseFilter('a="5",b="null",c=2019-01-02,d=2019-01-02T03:04:05,e=5abc')).toMatchObject([
      { value: { type: 'string', value: '5' } },
      { value: { type: 'string', value: 'null' } },
      { value: { type: 'date', value: '2019-01-02T00:00:00.000000+00:00' } },
      { value: { type: 'date', value: '2019-01-02T03:04:05.000000+00:00' } },
      { value: { type: 'string', value: '5abc' } },
    ]);
  });
  it('rewrites parent aliases only for the bare level name', () => {
    expect(parseFilter('project=p1,subject.code=x,session=s').map((c) => c.field)).toEqual([
      'parents.project',
      'subject.code',
      'parents.session',
    ]);
  });
  it.each([
    ['label', 'label'],
    ['=5', '=5'],
    ['a=1,,b=2', 'a=1,,b=2'],
    ['created>2019-02-30', 'created>2019-02-30'],
    ['label=~([', 'label=~(['],
  ])('rejects %s with 422 naming the parameter and the token', (f, token) => {
    const e = queryError(() => parseListQuery({ filter: f }, target));
    expect(e.status).toBe(422);
    expect(e.message).toContain('"filter"');
    expect(e.message).toContain(`"${token}"`);
  });
});

it('rejects an empty path segment (info..x=1) with 422 naming the parameter and the field', () => {
  const e = queryError(() => parseListQuery({ filter: 'info..x=1' }, target));
  expect(e.status).toBe(422);
  expect(e.message).toContain('"filter"');
  expect(e.message).toContain('"info..x=1"');
});

it('takes skip=0 as the first page', () => {
  expect(parseListQuery({ skip: '0' }, target).offset).toBe(0);
});

describe('filter → SQL on real rows', () => {
  it('matches unquoted values with spaces and quoted values', () => {
    expect(filter('label=Session 1')).toEqual(['a1']);
    expect(filter('label="Session 2"')).toEqual(['a2']);
    expect(filter('subject.code=sub 04')).toEqual(['a4']);
  });
  it('keeps numbers and strings apart, quotes force strings', () => {
    expect(filter('info.age=30')).toEqual(['a1']);
    expect(filter('info.age="30"')).toEqual(['a2']);
    expect(filter('label=42')).toEqual([]);
    expect(filter('label="42"')).toEqual(['a4']);
    // Ordering comparisons only see numbers: '30' (text) is not > 10.
    expect(filter('info.age>10')).toEqual(['a1', 'a3']);
    expect(filter('info.age<=7')).toEqual(['a4']);
    expect(filter('info.age>=45.5')).toEqual(['a3']);
  });
  it('compares dates and timestamps against stored timestamps', () => {
    expect(filter('created>=2019-01-01')).toEqual(['a1', 'a2', 'a3']);
    expect(filter('created<2019-01-01')).toEqual(['a4']);
    expect(filter('created=2019-01-01T12:30:00')).toEqual(['a2']);
    expect(filter('created>2019-01-01T00:00:00,created<2019-01-02')).toEqual(['a2']);
  });
  it('handles null as missing-or-null and != as null-safe', () => {
    expect(filter('info.cohort=null')).toEqual(['a3', 'a4']);
    expect(filter('info.cohort!=null')).toEqual(['a1', 'a2']);
    expect(filter('info.cohort!=control')).toEqual(['a2', 'a3', 'a4']);
  });
  it('handles booleans', () => {
    expect(filter('info.flag=true')).toEqual(['a1']);
    expect(filter('info.flag=false')).toEqual(['a2']);
    expect(filter('info.flag!=true')).toEqual(['a2', 'a3', 'a4']);
  });
  it('matches array elements', () => {
    expect(filter('tags=qa')).toEqual(['a1']);
    expect(filter('tags!=qa')).toEqual(['a2', 'a3', 'a4']);
    expect(filter('tags=~^t')).toEqual(['a1', 'a2']);
  });
  it('supports regex, including an inline (?i) flag', () => {
    expect(filter('label=~^Session')).toEqual(['a1', 'a2']);
    expect(filter('label=~(?i)^session')).toEqual(['a1', 'a2', 'a3']);
    expect(filter('label=~ \\d$')).toEqual(['a1', 'a2', 'a3']);
    expect(filter('info.age=~3')).toEqual(['a2']); // numbers never match a regex
  });
  it('follows dotted info paths and parent aliases (real column and json)', () => {
    expect(filter('info.nested.x=deep')).toEqual(['a1']);
    expect(filter('project=p2')).toEqual(['a3', 'a4']);
    expect(filter('subject=s2')).toEqual(['a2']);
    expect(filter('project=p1,info.cohort=patient')).toEqual(['a2']);
  });
  it('is safe against quotes in field names and values', () => {
    expect(filter("info.it's=1")).toEqual([]);
    expect(filter("label=x' OR '1'='1")).toEqual([]);
  });
  it('an invalid regex reaching the SQL function raises a 400 QueryError', () => {
    const e = queryError(() => db.prepare("SELECT regexp('(', 'x')").get());
    expect(e.status).toBe(400);
  });
});

describe('sort', () => {
  it('parses directions and rejects bad ones naming the token', () => {
    expect(parseSort('a,b:desc,c:1,d:-1,e:ASC')).toEqual([
      { field: 'a', direction: 'ASC' },
      { field: 'b', direction: 'DESC' },
      { field: 'c', direction: 'ASC' },
      { field: 'd', direction: 'DESC' },
      { field: 'e', direction: 'ASC' },
    ]);
    const e = queryError(() => parseListQuery({ sort: 'label:up' }, target));
    expect(e.status).toBe(422);
    expect(e.message).toContain('"sort"');
    expect(e.message).toContain('"label:up"');
  });
  it('orders by json paths and real columns with a stable _id tiebreak', () => {
    expect(ids({ sort: 'label' })).toEqual(['a4', 'a1', 'a2', 'a3']);
    expect(ids({ sort: 'created:desc' })).toEqual(['a3', 'a2', 'a1', 'a4']);
    expect(ids({ sort: 'project:desc' })).toEqual(['a3', 'a4', 'a1', 'a2']);
    expect(ids({ sort: 'project:-1,info.age:-1' })).toEqual(['a3', 'a4', 'a2', 'a1']);
    expect(ids({})).toEqual(['a1', 'a2', 'a3', 'a4']);
  });
});

describe('pagination plan', () => {
  it('limit, skip and 1-based page', () => {
    expect(ids({ limit: '2' })).toEqual(['a1', 'a2']);
    expect(ids({ skip: '3' })).toEqual(['a4']);
    expect(ids({ limit: '1', skip: '1' })).toEqual(['a2']);
    expect(ids({ limit: '3', page: '1' })).toEqual(['a1', 'a2', 'a3']);
    expect(ids({ limit: '3', page: '2' })).toEqual(['a4']);
    expect(parseListQuery({ limit: '10', page: '3' }, target)).toMatchObject({
      limit: 10,
      offset: 20,
    });
  });
  it('after_id: empty starts at the beginning, otherwise _id > after_id, ascending', () => {
    expect(ids({ after_id: '', limit: '2' })).toEqual(['a1', 'a2']);
    expect(ids({ after_id: 'a2', limit: '2' })).toEqual(['a3', 'a4']);
    expect(ids(new URLSearchParams('after_id=a1&filter=project%3Dp1'))).toEqual(['a2']);
    expect(ids({ after_id: 'a4' })).toEqual([]);
  });
  it.each<[ListQueryInput, string]>([
    [{ after_id: 'a1', sort: 'label' }, 'sort'],
    [{ after_id: '', skip: '1' }, 'skip'],
    [{ after_id: 'a1', page: '1', limit: '1' }, 'page'],
    [{ page: '1' }, 'limit'],
    [{ page: '1', limit: '1', skip: '1' }, 'skip'],
    [{ skip: '-1' }, 'skip'],
    [{ limit: '-1' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [new URLSearchParams('limit=1&limit=2'), 'limit'],
    [{ filter: ['a=1', 'b=2'] }, 'filter'],
  ])('rejects %o with 422', (q, word) => {
    const e = queryError(() => parseListQuery(q, target));
    expect(e.status).toBe(422);
    expect(e.message).toContain(word);
  });
});
