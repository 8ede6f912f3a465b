/**
 * Row-level visibility of every indirect route (issue 13, defects 6 and 7): child lists of every
 * container type, analyses below a container, collections (adding nodes and listing them) and
 * search, for users holding no role, `ro`, `rw` or `admin` (role-based project permissions) on
 * one project of a group whose other project they may not see. Users and their keys come from
 * `startServer({ users })`; nothing touches the database.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const LEVELS = ['none', 'ro', 'rw', 'admin'] as const;
type Level = (typeof LEVELS)[number];
const userId = (l: Level) => `matrix-${l}@example.org`;
const t = useServer({ users: LEVELS.map((l) => ({ id: userId(l), firstname: l })) });
const key = (l: Level) => t.server.users[userId(l)]!.apiKey;

let mine: Awaited<ReturnType<typeof hierarchy>>; // the project the users get roles on
let secret: { project: string; subject: string; session: string; acquisition: string };
let mineAnalysis: string;
let secretAnalysis: string;
let shared: string; // an admin's collection holding sessions of both projects, readable by all

beforeAll(async () => {
  mine = await hierarchy(t, { session: 'matrix-ses', acquisition: 'matrix-acq' });
  const project = (
    await t.ok('POST', '/projects', { body: { group: mine.group, label: 'Secret' } })
  )._id as string;
  const subject = (await t.ok('POST', '/subjects', { body: { project, code: 'sub-s' } }))._id;
  const session = (
    await t.ok('POST', '/sessions', {
      body: { project, label: 'matrix-ses', subject: { _id: subject } },
    })
  )._id;
  const acquisition = (
    await t.ok('POST', '/acquisitions', { body: { session, label: 'matrix-acq' } })
  )._id;
  secret = { project, subject, session, acquisition };
  const analysis = (id: string) =>
    t.ok('POST', `/sessions/${id}/analyses`, { body: { label: 'matrix-ana', inputs: [] } });
  mineAnalysis = (await analysis(mine.session))._id;
  secretAnalysis = (await analysis(secret.session))._id;

  const roles = await t.ok('GET', '/roles');
  const role = (k: string) => roles.find((r: any) => r.default_flywheel_role === k)._id as string;
  for (const l of LEVELS) {
    if (l === 'none') continue;
    await t.ok('POST', `/projects/${mine.project}/permissions`, {
      body: { _id: userId(l), role_ids: [role(l)] },
    });
  }
  shared = (await t.ok('POST', '/collections', { body: { label: 'shared' } }))._id;
  await t.ok('PUT', `/collections/${shared}`, {
    body: {
      contents: {
        operation: 'add',
        nodes: [
          { level: 'session', _id: mine.session },
          { level: 'session', _id: secret.session },
        ],
      },
    },
  });
  for (const l of LEVELS)
    await t.ok('POST', `/collections/${shared}/permissions`, {
      body: { _id: userId(l), access: 'ro' },
    });
});

const ids = (body: any): string[] =>
  (Array.isArray(body) ? body : body.results).map((x: any) => x._id);

describe.each(LEVELS)('a user with %s on one project of the group', (l) => {
  const sees = l !== 'none';

  it('child lists of every container type show only readable rows', async () => {
    const lists: [string, string][] = [
      [`/groups/${mine.group}/projects`, mine.project],
      [`/projects/${mine.project}/subjects`, mine.subject],
      [`/projects/${mine.project}/sessions`, mine.session],
      [`/projects/${mine.project}/acquisitions`, mine.acquisition],
      [`/subjects/${mine.subject}/sessions`, mine.session],
      [`/sessions/${mine.session}/acquisitions`, mine.acquisition],
      [`/sessions/${mine.session}/analyses`, mineAnalysis],
      [`/groups/${mine.group}/all/analyses`, mineAnalysis],
      [`/groups/${mine.group}/sessions/analyses`, mineAnalysis],
      [`/projects/${mine.project}/all/analyses`, mineAnalysis],
    ];
    for (const [path, expected] of lists) {
      const r = await t.call('GET', path, { key: key(l) });
      if (!sees) {
        expect(r.status, path).toBe(403);
        continue;
      }
      expect(r.status, path).toBe(200);
      const got = ids(r.body);
      expect(got, path).toContain(expected);
      for (const hidden of Object.values(secret).concat(secretAnalysis))
        expect(got, path).not.toContain(hidden);
    }
    // the other project's own lists are closed whatever the level
    for (const path of [
      `/projects/${secret.project}/sessions`,
      `/subjects/${secret.subject}/sessions`,
      `/sessions/${secret.session}/acquisitions`,
      `/sessions/${secret.session}/analyses`,
      `/projects/${secret.project}/all/analyses`,
    ])
      expect((await t.call('GET', path, { key: key(l) })).status, path).toBe(403);
  });

  it('collections: adding an unreadable node is 403 and saves nothing; listings hide rows', async () => {
    const own = (await t.ok('POST', '/collections', { key: key(l), body: { label: `own-${l}` } }))
      ._id;
    const add = (id: string) =>
      t.call('PUT', `/collections/${own}`, {
        key: key(l),
        body: {
          contents: {
            operation: 'add',
            nodes: [
              { level: 'session', _id: mine.session },
              { level: 'session', _id: id },
            ],
          },
        },
      });
    const refused = await add(secret.session);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/does not have ro access to session [0-9a-f]{24}/);
    expect(ids(await t.ok('GET', `/collections/${own}/sessions`, { key: key(l) }))).toEqual([]);
    const r = await t.call('PUT', `/collections/${own}`, {
      key: key(l),
      body: { contents: { operation: 'add', nodes: [{ level: 'project', _id: secret.project }] } },
    });
    expect(r.status).toBe(403);
    const mineOnly = await t.call('PUT', `/collections/${own}`, {
      key: key(l),
      body: { contents: { operation: 'add', nodes: [{ level: 'session', _id: mine.session }] } },
    });
    expect(mineOnly.status).toBe(sees ? 200 : 403);

    for (const what of ['sessions', 'acquisitions'] as const) {
      const got = ids(await t.ok('GET', `/collections/${shared}/${what}`, { key: key(l) }));
      const m = what === 'sessions' ? mine.session : mine.acquisition;
      const s = what === 'sessions' ? secret.session : secret.acquisition;
      expect(got.includes(m), what).toBe(sees);
      expect(got, what).not.toContain(s);
    }
    // the site admin (who created it) sees both
    expect(ids(await t.ok('GET', `/collections/${shared}/sessions`)).sort()).toEqual(
      [mine.session, secret.session].sort(),
    );
  });

  it('search answers only readable rows', async () => {
    for (const return_type of ['session', 'acquisition', 'analysis'] as const) {
      const r = await t.call('POST', '/dataexplorer/search?simple=true&size=100', {
        key: key(l),
        body: { return_type, structured_query: `session.label = matrix-ses` },
      });
      expect(r.status).toBe(200);
      const got = (r.body as any[]).map((x) => x[return_type]._id);
      const m = { session: mine.session, acquisition: mine.acquisition, analysis: mineAnalysis };
      const s = {
        session: secret.session,
        acquisition: secret.acquisition,
        analysis: secretAnalysis,
      };
      expect(got.includes(m[return_type]), return_type).toBe(sees);
      expect(got, return_type).not.toContain(s[return_type]);
    }
  });
});
