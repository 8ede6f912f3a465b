/**
 * A list page is presented with shared lookups (`PresentMemo`, `prefetchPage`): the parents and
 * files of the whole page are read in a fixed number of statements, and every item is the same
 * as the row presented on its own (the per-row path, which queries each lookup itself).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentRow } from '../src/app/present.js';
import { getRow } from '../src/db/containers.js';
import { openDatabase, type Db } from '../src/db/open.js';
import { form, gid, useServer } from './helpers/server.js';

const t = useServer();
let db: Db;
let project: string;
const sessions: string[] = [];

/**
 * Statements the server ran while `recording` (prepare is patched before the server opens). The
 * key's last-used stamp is left out: it is written at most once a second, so whether a call runs
 * it depends on the clock, not on the page.
 */
let ran = 0;
const notCounted = /^UPDATE api_keys SET last_used/;
let recording = false;
const realPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, sql: string) {
  const stmt = realPrepare.call(this, sql) as Database.Statement<unknown[]>;
  if (notCounted.test(sql)) return stmt;
  for (const m of ['all', 'get', 'run'] as const) {
    const f = stmt[m].bind(stmt) as (...a: unknown[]) => unknown;
    (stmt as any)[m] = (...params: unknown[]) => (recording && ran++, f(...params));
  }
  return stmt;
} as never;

async function upload(path: string, name: string) {
  await t.ok('POST', `${path}/files`, { raw: form([{ name, data: name }]) });
}

beforeAll(async () => {
  const group = gid();
  await t.ok('POST', '/groups', { body: { _id: group, label: 'Present' } });
  project = (await t.ok('POST', '/projects', { body: { group, label: 'P' } }))._id;
  const subjects: string[] = [];
  for (let i = 0; i < 3; i++) {
    const s = (await t.ok('POST', '/subjects', { body: { project, code: `sub-${i}`, age: 30 } }))
      ._id;
    subjects.push(s);
    await upload(`/subjects/${s}`, `s${i}-b.txt`);
    await upload(`/subjects/${s}`, `s${i}-a.txt`);
  }
  // sessions share subjects, and some have files, so the page mixes cached and fresh lookups
  for (let i = 0; i < 12; i++) {
    const body = { project, label: `ses-${i}`, subject: { _id: subjects[i % 3] } };
    const id = (await t.ok('POST', '/sessions', { body }))._id;
    sessions.push(id);
    if (i % 2 === 0) {
      await upload(`/sessions/${id}`, `z-${i}.txt`);
      await upload(`/sessions/${id}`, `a-${i}.txt`);
    }
  }
  db = openDatabase(join(t.server.dataDir, 'flywheel.sqlite'));
});

afterAll(() => {
  Database.prototype.prepare = realPrepare;
  db?.close();
});

async function page(limit: number) {
  ran = 0;
  recording = true;
  const body = await t
    .ok('GET', `/projects/${project}/sessions?limit=${limit}`)
    .finally(() => (recording = false));
  return { body: body as any[], statements: ran };
}

describe('list pages share their lookups', () => {
  it('every item equals the row presented on its own', async () => {
    const { body } = await page(100);
    expect(body).toHaveLength(12);
    for (const item of body) {
      const alone = presentRow(db, getRow(db, item._id)!, { list: true });
      expect(JSON.stringify(item)).toBe(JSON.stringify(alone));
    }
    // the content the shared lookups carry is really there
    const first = body.find((s) => s.label === 'ses-0')!;
    expect(first.files.map((f: any) => f.name)).toEqual(['z-0.txt', 'a-0.txt']);
    expect(first.subject.files.map((f: any) => f.name)).toEqual(['s0-b.txt', 's0-a.txt']);
    expect(first.subject.age).toBeUndefined();
    expect(first.permissions.length).toBeGreaterThan(0);
    expect(body.find((s) => s.label === 'ses-1')!.files).toEqual([]);
  });

  it('the statements a page runs do not grow with its length', async () => {
    const small = await page(2);
    const large = await page(12);
    expect(large.body).toHaveLength(12);
    expect(large.statements).toBe(small.statements);
  });

  it('a write between two pages shows in the next one', async () => {
    await upload(`/sessions/${sessions[1]}`, 'late.txt');
    const { body } = await page(100);
    const item = body.find((s) => s._id === sessions[1])!;
    expect(item.files.map((f: any) => f.name)).toEqual(['late.txt']);
  });
});
