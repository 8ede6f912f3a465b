/**
 * `info.x.y=V` finders look values up in `info_values` (migration 6, kept by triggers) instead
 * of reading every document. Checked here: the same matches as the JSON-path form for numbers,
 * strings, booleans, arrays and keys the index must not confuse; the plan reads the index; the
 * triggers follow updates and deletes; the migration fills the table for existing containers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectId } from '../src/app/ids.js';
import { containerColumns, insertContainer } from '../src/db/containers.js';
import { MIGRATIONS } from '../src/db/migrations.js';
import { migrate, openDatabase, type Db } from '../src/db/open.js';
import { compileFilter, parseFilter } from '../src/query/filter.js';
import { gid, useServer } from './helpers/server.js';

const t = useServer();
let db: Db;
let project: string;
const ids: Record<string, string> = {};

// each session's info; the filters below are answered over these with and without the index
const INFOS: Record<string, unknown> = {
  int: { a: { b: 5 } },
  real: { a: { b: 5.0 }, r: 1.5 },
  text: { a: { b: '5' } },
  bool: { a: { b: true }, t: true },
  one: { t: 1 },
  arr: { a: { b: [7, 'x', [5], { c: 4 }] } },
  dotted: { 'a.b': 5, 'a b': 5 },
  deep: { a: { b: { c: 5 } } },
  none: {},
};
const FILTERS = [
  'info.a.b=5',
  'info.a.b=5.0',
  'info.a.b="5"',
  'info.a.b=true',
  'info.t=true',
  'info.t=1',
  'info.r=1.5',
  'info.a.b=7',
  'info.a.b=x',
  'info.a.b.c=4',
  'info.a.b.c=5',
  'info.a.b!=5',
  'info.a.b=null',
  'info.bench.key=nope',
];

const columns = containerColumns('c');
/** Labels of the project's sessions matching `filter`, compiled with or without the index. */
function matches(filter: string, indexed: boolean): string[] {
  const where = compileFilter(parseFilter(filter), {
    docColumn: 'c.doc',
    columns,
    ...(indexed ? { infoValues: 'c.id' } : {}),
  });
  const rows = db
    .prepare(
      `SELECT c.label FROM containers c WHERE c.type = 'session' AND c.project_id = ? AND ${where.sql} ORDER BY c.label`,
    )
    .all(project, ...where.params) as { label: string }[];
  return rows.map((r) => r.label);
}

beforeAll(async () => {
  const group = gid();
  await t.ok('POST', '/groups', { body: { _id: group, label: 'Info' } });
  project = (await t.ok('POST', '/projects', { body: { group, label: 'P' } }))._id;
  const subject = (await t.ok('POST', '/subjects', { body: { project, code: 's' } }))._id;
  for (const [label, info] of Object.entries(INFOS)) {
    const body = { project, label, info, subject: { _id: subject } };
    ids[label] = (await t.ok('POST', '/sessions', { body }))._id;
  }
  db = openDatabase(join(t.server.dataDir, 'flywheel.sqlite'));
});
afterAll(() => db?.close());

const finder = async (filter: string) =>
  (
    (await t.ok('GET', `/projects/${project}/sessions?filter=${encodeURIComponent(filter)}`)) as {
      label: string;
    }[]
  )
    .map((s) => s.label)
    .sort();

describe('info.* equality through info_values', () => {
  it('matches exactly what the JSON-path filter matches', () => {
    const expected: Record<string, string[]> = {
      'info.a.b=5': ['int', 'real'],
      'info.a.b="5"': ['text'],
      'info.a.b=true': ['bool'],
      'info.t=true': ['bool'],
      'info.t=1': ['one'],
      'info.a.b=7': ['arr'],
      'info.a.b=x': ['arr'],
      'info.a.b.c=4': [],
      'info.a.b.c=5': ['deep'],
    };
    for (const f of FILTERS) {
      const plain = matches(f, false);
      expect(matches(f, true), f).toEqual(plain);
      if (expected[f]) expect(plain, f).toEqual(expected[f]);
    }
  });

  it('the compiled equality reads info_values, not the documents', () => {
    const where = compileFilter(parseFilter('info.a.b=5'), {
      docColumn: 'c.doc',
      columns,
      infoValues: 'c.id',
    });
    expect(where.sql).not.toMatch(/json_extract|json_each/);
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT c.* FROM containers c WHERE c.type = 'session' AND c.project_id = ? AND ${where.sql} ORDER BY c.id LIMIT 100`,
        )
        .all(project, ...where.params) as { detail: string }[]
    ).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/info_values USING (COVERING )?INDEX info_values_lookup/);
    // a key json_tree quotes (here `a_b`) keeps the JSON-path form, which is always right
    const quoted = compileFilter(parseFilter('info.a_b=5'), {
      docColumn: 'c.doc',
      columns,
      infoValues: 'c.id',
    });
    expect(quoted.sql).toMatch(/json_extract/);
  });

  it('the finder answers from the index and follows updates and deletes', async () => {
    expect(await finder('info.a.b=5')).toEqual(['int', 'real']);
    await t.ok('PUT', `/sessions/${ids.int}`, { body: { info: { a: { b: 6 } } } });
    expect(await finder('info.a.b=5')).toEqual(['real']);
    expect(await finder('info.a.b=6')).toEqual(['int']);
    await t.ok('DELETE', `/sessions/${ids.real}`);
    expect(await finder('info.a.b=5')).toEqual([]);
    const left = db
      .prepare('SELECT count(*) AS n FROM info_values WHERE container_id = ?')
      .get(ids.real) as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('migration 6', () => {
  it('fills info_values for the containers already stored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-info-index-'));
    const file = new Database(join(dir, 'db.sqlite'));
    try {
      const before = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE info_values'));
      expect(before).toBeGreaterThan(0);
      for (let v = 0; v < before; v++) file.exec(MIGRATIONS[v]!);
      file.pragma(`user_version = ${before}`);
      const id = objectId();
      const when = '2020-01-01T00:00:00.000000+00:00';
      insertContainer(
        file as unknown as Db,
        'group',
        { _id: id, label: 'G', created: when, modified: when, info: { k: { v: 'old' } } },
        null,
      );
      migrate(file as unknown as Db);
      const rows = file.prepare('SELECT container_id, path, type, value FROM info_values').all();
      expect(rows).toEqual([{ container_id: id, path: '$.info.k.v', type: 'text', value: 'old' }]);
    } finally {
      file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
