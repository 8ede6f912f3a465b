import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

// Issue 12 §3: moving containers, sessions with an embedded subject, a session's subject.
const t = useServer();
const MEMBER = 'mover@example.org';
let member: string;
let roles: Record<'admin' | 'rw' | 'ro', string>;

beforeAll(async () => {
  member = await t.createUser(MEMBER);
  const list = await t.ok('GET', '/roles');
  const id = (k: string) => list.find((r: any) => r.default_flywheel_role === k)._id as string;
  roles = { admin: id('admin'), rw: id('rw'), ro: id('ro') };
});

async function grant(project: string, role: 'admin' | 'rw' | 'ro') {
  const r = await t.call('POST', `/projects/${project}/permissions`, {
    body: { _id: MEMBER, role_ids: [roles[role]] },
  });
  if (r.status === 409)
    await t.ok('PUT', `/projects/${project}/permissions/${MEMBER}`, {
      body: { role_ids: [roles[role]] },
    });
  else expect(r.status).toBe(200);
}

/** `GET /sessions/{id}/subject` is a local extra (not in v21's spec): plain fetch. */
async function sessionSubject(id: string) {
  const r = await fetch(`${t.url}/sessions/${id}/subject`, {
    headers: { Authorization: `scitran-user ${t.adminKey}` },
  });
  return { status: r.status, body: (await r.json()) as any };
}

describe('moves', () => {
  it('an acquisition moves to another session with its analyses; parents follow', async () => {
    const a = await hierarchy(t);
    const b = await hierarchy(t);
    const an = (
      await t.ok('POST', `/acquisitions/${a.acquisition}/analyses`, {
        body: { label: 'ana', inputs: [] },
      })
    )._id;
    await t.ok('PUT', `/acquisitions/${a.acquisition}`, { body: { session: b.session } });
    const acq = await t.ok('GET', `/acquisitions/${a.acquisition}`);
    expect(acq.session).toBe(b.session);
    expect(acq.parents).toEqual({
      group: b.group,
      project: b.project,
      subject: b.subject,
      session: b.session,
    });
    const ana = await t.ok('GET', `/analyses/${an}`);
    expect(ana.parents.project).toBe(b.project);
    expect(ana.parents.session).toBe(b.session);
    const ids = (await t.ok('GET', `/sessions/${b.session}/acquisitions`)).map((x: any) => x._id);
    expect(ids).toContain(a.acquisition);
    expect((await t.ok('GET', `/sessions/${a.session}/acquisitions`)).length).toBe(0);
  });

  it('a subject moves to another project with its sessions, acquisitions and files', async () => {
    const a = await hierarchy(t);
    const b = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${a.acquisition}/files`, {
      raw: form([{ name: 'x.txt', data: 'moved bytes' }]),
    });
    // the target already has a subject of the same code
    expect(
      (await t.call('PUT', `/subjects/${a.subject}`, { body: { project: b.project } })).status,
    ).toBe(409);
    await t.ok('PUT', `/subjects/${a.subject}`, { body: { code: 'sub-moved' } });
    await t.ok('PUT', `/subjects/${a.subject}`, { body: { project: b.project } });
    const subject = await t.ok('GET', `/subjects/${a.subject}`);
    expect(subject.project).toBe(b.project);
    expect(subject.parents).toEqual({ group: b.group, project: b.project });
    const session = await t.ok('GET', `/sessions/${a.session}`);
    expect(session.project).toBe(b.project);
    expect(session.parents).toEqual({ group: b.group, project: b.project, subject: a.subject });
    const acq = await t.ok('GET', `/acquisitions/${a.acquisition}`);
    expect(acq.parents.project).toBe(b.project);
    expect(acq.parents.group).toBe(b.group);
    const file = await t.call('GET', `/acquisitions/${a.acquisition}/files/x.txt`);
    expect(file.bytes.toString()).toBe('moved bytes');
    const inB = (await t.ok('GET', `/projects/${b.project}/sessions`)).map((x: any) => x._id);
    expect(inB).toContain(a.session);
  });

  it('a project moves to another group; its subtree names the new group', async () => {
    const a = await hierarchy(t);
    const b = await hierarchy(t);
    await t.ok('PUT', `/projects/${a.project}`, { body: { group: b.group } });
    expect((await t.ok('GET', `/projects/${a.project}`)).group).toBe(b.group);
    for (const [kind, id] of [
      ['subjects', a.subject],
      ['sessions', a.session],
      ['acquisitions', a.acquisition],
    ] as const)
      expect((await t.ok('GET', `/${kind}/${id}`)).parents.group, kind).toBe(b.group);
    expect((await t.ok('GET', `/sessions/${a.session}`)).group).toBe(b.group);
    const ids = (await t.ok('GET', `/groups/${b.group}/projects`)).map((x: any) => x._id);
    expect(ids).toContain(a.project);
  });

  it('a session moves to a project (subject found by code, else copied) or to a subject', async () => {
    const a = await hierarchy(t);
    const b = await hierarchy(t); // has sub-01 as well
    await t.ok('PUT', `/sessions/${a.session}`, { body: { project: b.project } });
    let s = await t.ok('GET', `/sessions/${a.session}`);
    expect(s.parents).toEqual({ group: b.group, project: b.project, subject: b.subject });
    expect(s.subject._id).toBe(b.subject);
    expect((await t.ok('GET', `/acquisitions/${a.acquisition}`)).parents.subject).toBe(b.subject);

    // a project without that code gets a copy of the subject
    const c = await hierarchy(t, { subject: 'other' });
    await t.ok('PUT', `/sessions/${a.session}`, { body: { project: c.project } });
    s = await t.ok('GET', `/sessions/${a.session}`);
    expect(s.parents.project).toBe(c.project);
    expect(s.subject.code).toBe('sub-01');
    expect(s.subject._id).not.toBe(b.subject);
    expect((await t.ok('GET', `/subjects/${s.subject._id}`)).project).toBe(c.project);

    // by subject id (a string, as SessionModify allows), into that subject's project
    await t.ok('PUT', `/sessions/${a.session}`, { body: { subject: a.subject } });
    s = await t.ok('GET', `/sessions/${a.session}`);
    expect(s.parents).toEqual({ group: a.group, project: a.project, subject: a.subject });
    expect((await t.ok('GET', `/acquisitions/${a.acquisition}`)).parents.project).toBe(a.project);
  });

  it('permission rules are checked on both ends', async () => {
    const a = await hierarchy(t);
    const b = await hierarchy(t);
    await grant(a.project, 'rw');
    // rw on the source only: the destination refuses
    let r = await t.call('PUT', `/acquisitions/${a.acquisition}`, {
      key: member,
      body: { session: b.session },
    });
    expect(r.status).toBe(403);
    await grant(b.project, 'ro');
    r = await t.call('PUT', `/acquisitions/${a.acquisition}`, {
      key: member,
      body: { session: b.session },
    });
    expect(r.status).toBe(403);
    await grant(b.project, 'rw');
    await t.ok('PUT', `/acquisitions/${a.acquisition}`, {
      key: member,
      body: { session: b.session },
    });
    // ro on the source: refused even with rw on the destination
    const c = await hierarchy(t);
    await grant(c.project, 'ro');
    r = await t.call('PUT', `/sessions/${c.session}`, {
      key: member,
      body: { project: b.project },
    });
    expect(r.status).toBe(403);
    expect((await t.ok('GET', `/sessions/${c.session}`)).parents.project).toBe(c.project);
    // a project move needs admin on the project
    await t.ok('POST', `/groups/${b.group}/permissions`, { body: { _id: MEMBER, access: 'rw' } });
    r = await t.call('PUT', `/projects/${a.project}`, { key: member, body: { group: b.group } });
    expect(r.status).toBe(403);
    // a missing destination is a 404
    r = await t.call('PUT', `/acquisitions/${b.acquisition}`, {
      body: { session: '5f0000000000000000000000' },
    });
    expect(r.status).toBe(404);
  });
});

describe('sessions with an embedded subject', () => {
  it('create finds the subject by code or creates it; age is the session age', async () => {
    const h = await hierarchy(t);
    const s1 = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, label: 's1', subject: { code: 'sub-01', age: 1000 } },
      })
    )._id;
    let s = await t.ok('GET', `/sessions/${s1}`);
    expect(s.subject._id).toBe(h.subject);
    expect(s.age).toBe(1000);
    const s2 = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, label: 's2', subject: { label: 'sub-new', sex: 'female' } },
      })
    )._id;
    s = await t.ok('GET', `/sessions/${s2}`);
    expect(s.subject.code).toBe('sub-new');
    const created = await t.ok('GET', `/subjects/${s.subject._id}`);
    expect(created.sex).toBe('female');
    expect(created.project).toBe(h.project);
    // a subject id as a string
    const s3 = (
      await t.ok('POST', '/sessions', {
        body: { project: h.project, label: 's3', subject: h.subject },
      })
    )._id;
    expect((await t.ok('GET', `/sessions/${s3}`)).subject._id).toBe(h.subject);
  });

  it('update with another code moves the session to that subject (created if new)', async () => {
    const h = await hierarchy(t);
    await t.ok('PUT', `/sessions/${h.session}`, {
      body: { subject: { code: 'sub-02', sex: 'male', age: 42 } },
    });
    const s = await t.ok('GET', `/sessions/${h.session}`);
    expect(s.subject.code).toBe('sub-02');
    expect(s.subject._id).not.toBe(h.subject);
    expect(s.age).toBe(42);
    expect((await t.ok('GET', `/subjects/${s.subject._id}`)).sex).toBe('male');
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).parents.subject).toBe(
      s.subject._id,
    );
    // the old subject is untouched
    expect((await t.ok('GET', `/subjects/${h.subject}`)).code).toBe('sub-01');
    // with its _id, the fields edit the session's subject instead
    await t.ok('PUT', `/sessions/${h.session}`, {
      body: { subject: { _id: s.subject._id, code: 'sub-02b' } },
    });
    const again = await t.ok('GET', `/sessions/${h.session}`);
    expect(again.subject._id).toBe(s.subject._id);
    expect(again.subject.code).toBe('sub-02b');
  });

  it('GET /sessions/{id}/subject answers the subject', async () => {
    const h = await hierarchy(t);
    const sub = await sessionSubject(h.session);
    expect(sub.status).toBe(200);
    expect(sub.body._id).toBe(h.subject);
    expect(sub.body.code).toBe('sub-01');
    expect((await sessionSubject('5f0000000000000000000000')).status).toBe(404);
  });
});
