/**
 * The finders' page queries are answered by an index, not a table scan: each test sends a real
 * finder request, records the SQL (and parameters) the server ran for the page, and asks SQLite
 * for that statement's plan over a project of a few thousand sessions with fresh statistics.
 * Dropping an index, or a query shape the index cannot serve, shows up as `SCAN c` or a temp
 * B-tree for the ORDER BY. Also: a limited page counts its total only when the total is used.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectId } from '../src/app/ids.js';
import { presentColumns } from '../src/app/present.js';
import { getRow, insertContainer, parseDoc } from '../src/db/containers.js';
import { openDatabase, refreshStatistics, type Db } from '../src/db/open.js';
import { toStoredTimestamp } from '../src/query/index.js';
import { gid, useServer } from './helpers/server.js';

const t = useServer();
const N = 3000;
const BASE = Date.UTC(2020, 0, 1);
let db: Db;
let project: string;
let subject: string;

/** Statements the server prepared, with the parameters each ran with. */
const ran: { sql: string; params: unknown[] }[] = [];
const realPrepare = Database.prototype.prepare;
let recording = false;
const record = (sql: string, params: unknown[]) => {
  if (recording) ran.push({ sql, params });
};
// Patched before the server opens its database (the server's statement cache binds to it).
Database.prototype.prepare = function (this: Database.Database, sql: string) {
  const stmt = realPrepare.call(this, sql) as Database.Statement<unknown[]>;
  const all = stmt.all.bind(stmt);
  const get = stmt.get.bind(stmt);
  stmt.all = ((...params: unknown[]) => (record(sql, params), all(...params))) as never;
  stmt.get = ((...params: unknown[]) => (record(sql, params), get(...params))) as never;
  return stmt;
} as never;

/** EXPLAIN QUERY PLAN of a statement on the test's own connection: one line per step. */
function explain(sql: string, params: unknown[]): string[] {
  const stmt = realPrepare.call(db, `EXPLAIN QUERY PLAN ${sql}`) as Database.Statement<unknown[]>;
  return (stmt.all(...params) as { detail: string }[]).map((r) => r.detail);
}

beforeAll(async () => {
  const group = gid();
  await t.ok('POST', '/groups', { body: { _id: group, label: 'Plans' } });
  project = (await t.ok('POST', '/projects', { body: { group, label: 'P' } }))._id;
  subject = (await t.ok('POST', '/subjects', { body: { project, code: 'sub-1' } }))._id;
  const template = (
    await t.ok('POST', '/sessions', {
      body: { project, label: 'template', subject: { _id: subject } },
    })
  )._id;
  // a project of N sessions, written as the server writes them, then fresh statistics
  db = openDatabase(join(t.server.dataDir, 'flywheel.sqlite'));
  const row = getRow(db, template)!;
  const doc = parseDoc(row);
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const when = toStoredTimestamp(BASE + i * 1000);
      const d = { ...doc, _id: objectId(), label: `ses-${i}`, created: when, modified: when };
      insertContainer(db, 'session', { ...d, timestamp: when }, row.perm_id);
    }
  })();
  refreshStatistics(db);
});

afterAll(() => {
  Database.prototype.prepare = realPrepare;
  db?.close();
});

/** A list's page query: the presented columns of containers `c`, filtered and sorted. */
const PAGE_SELECT = `SELECT ${presentColumns('c')} FROM containers c WHERE `;
const isPageQuery = (sql: string): boolean =>
  sql.startsWith(PAGE_SELECT) && sql.includes(' ORDER BY ');

/** The finder request's page query, its plan (one line per step) and every statement run. */
async function planOf(path: string, headers: Record<string, string> = {}) {
  ran.length = 0;
  recording = true;
  const body = await t.ok('GET', path, { headers }).finally(() => (recording = false));
  const statements = [...ran];
  const page = statements.find((s) => isPageQuery(s.sql));
  if (!page) throw new Error(`no page query recorded for ${path}`);
  const plan = explain(page.sql, page.params);
  return { body, plan, statements };
}

/** The plan reads containers `c` through `index` only: no scan of c, no sort of the matches. */
function expectIndexed(plan: string[], index: string) {
  const text = plan.join('\n');
  expect(text).toMatch(new RegExp(`SEARCH c USING (COVERING )?INDEX ${index}\\b`));
  expect(text).not.toMatch(/\bSCAN c\b/);
  expect(text).not.toMatch(/TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY/);
}

const q = (s: string) => encodeURIComponent(s);

describe('finder page queries use the indexes', () => {
  it('label=X within a project', async () => {
    const { body, plan } = await planOf(
      `/projects/${project}/sessions?filter=${q('label=ses-1500')}&limit=100`,
    );
    expect(body.map((s: any) => s.label)).toEqual(['ses-1500']);
    expectIndexed(plan, 'containers_label');
  });

  it('label=X over every session (with the visibility subquery)', async () => {
    const { body, plan } = await planOf(`/sessions?filter=${q('label=ses-1500')}&limit=100`);
    expect(body.map((s: any) => s.label)).toEqual(['ses-1500']);
    expectIndexed(plan, 'containers_label');
  });

  it('created>D sorted by created, limit 100', async () => {
    const d = new Date(BASE + 2000 * 1000).toISOString().slice(0, 19);
    const { body, plan } = await planOf(
      `/projects/${project}/sessions?filter=${q(`created>${d}`)}&sort=created:asc&limit=100`,
    );
    expect(body).toHaveLength(100);
    expect(body[0].label).toBe('ses-2001');
    expectIndexed(plan, 'containers_created');
  });

  it('timestamp>D sorted by timestamp', async () => {
    const d = new Date(BASE + 2990 * 1000).toISOString().slice(0, 19);
    const { body, plan } = await planOf(
      `/projects/${project}/sessions?filter=${q(`timestamp>${d}`)}&sort=timestamp:desc&limit=5`,
    );
    expect(body.map((s: any) => s.label)).toEqual([
      'ses-2999',
      'ses-2998',
      'ses-2997',
      'ses-2996',
      'ses-2995',
    ]);
    expectIndexed(plan, 'containers_timestamp');
  });

  it('after_id paging of a project and of a subject', async () => {
    const first = await t.ok('GET', `/projects/${project}/sessions?limit=250`);
    const after = first[first.length - 1]._id;
    const { body, plan } = await planOf(
      `/projects/${project}/sessions?limit=250&after_id=${after}`,
    );
    expect(body).toHaveLength(250);
    expect(body[0]._id > after).toBe(true);
    expectIndexed(plan, 'containers_project');
    const sub = await planOf(`/subjects/${subject}/sessions?limit=250&after_id=${after}`);
    expect(sub.body).toHaveLength(250);
    expectIndexed(sub.plan, 'containers_subject');
  });

  it('the check sees a scan once the index is gone', async () => {
    const path = `/projects/${project}/sessions?filter=${q('label=ses-7')}&limit=100`;
    const { plan: before, statements } = await planOf(path);
    expectIndexed(before, 'containers_label');
    const page = statements.find((s) => isPageQuery(s.sql))!;
    // drop the index inside a transaction on the test's connection, plan the same page query
    // there, and roll back (the server keeps its index throughout)
    db.exec('BEGIN; DROP INDEX containers_label;');
    try {
      const plan = explain(page.sql, page.params);
      expect(() => expectIndexed(plan, 'containers_label')).toThrow();
    } finally {
      db.exec('ROLLBACK');
    }
  });
});

describe('the total of a limited page', () => {
  const counts = (statements: { sql: string }[]) =>
    statements.filter((s) => s.sql.startsWith('SELECT count(*)')).length;

  it('is not counted when the client did not ask for pagination', async () => {
    const { body, statements } = await planOf(`/projects/${project}/sessions?limit=10`);
    expect(body).toHaveLength(10);
    expect(counts(statements)).toBe(0);
  });

  it('is counted, and right, for a full page with pagination', async () => {
    const { body, statements } = await planOf(`/projects/${project}/sessions?limit=10&skip=5`, {
      'X-Accept-Feature': 'pagination',
    });
    expect(body.count).toBe(10);
    expect(body.total).toBe(N + 1);
    expect(counts(statements)).toBe(1);
  });

  it('comes from the rows for the last, short page', async () => {
    const { body, statements } = await planOf(
      `/projects/${project}/sessions?limit=100&skip=${N - 20}`,
      {
        'X-Accept-Feature': 'pagination',
      },
    );
    expect(body.count).toBe(21);
    expect(body.total).toBe(N + 1);
    expect(counts(statements)).toBe(0);
  });
});
