import { describe, expect, it } from 'vitest';
import { gid, hierarchy, useServer } from './helpers/server.js';

const t = useServer();

describe('containers', () => {
  it('creates the hierarchy with parents and embedded subject', async () => {
    const h = await hierarchy(t);
    const project = await t.ok('GET', `/projects/${h.project}`);
    expect(project).toMatchObject({
      _id: h.project,
      group: h.group,
      label: 'Project',
      parents: { group: h.group },
    });
    expect(project._id).toMatch(/^[0-9a-f]{24}$/);
    const session = await t.ok('GET', `/sessions/${h.session}`);
    expect(session.parents).toEqual({ group: h.group, project: h.project, subject: h.subject });
    expect(session.subject).toMatchObject({ _id: h.subject, code: 'sub-01' });
    const acq = await t.ok('GET', `/acquisitions/${h.acquisition}`);
    expect(acq.parents).toEqual({
      group: h.group,
      project: h.project,
      subject: h.subject,
      session: h.session,
    });
    expect(acq.session).toBe(h.session);
  });

  it('creates a subject on the fly when a session names an unknown subject code', async () => {
    const h = await hierarchy(t);
    const s = await t.ok('POST', '/sessions', {
      body: { project: h.project, label: 'new', subject: { code: 'sub-new', sex: 'female' } },
    });
    const session = await t.ok('GET', `/sessions/${s._id}`);
    expect(session.subject.code).toBe('sub-new');
    const subjects = await t.ok('GET', `/projects/${h.project}/subjects`);
    expect(subjects.map((x: any) => x.code).sort()).toEqual(['sub-01', 'sub-new']);
    // the same code again reuses the subject
    const s2 = await t.ok('POST', '/sessions', {
      body: { project: h.project, label: 'again', subject: { code: 'sub-new' } },
    });
    expect((await t.ok('GET', `/sessions/${s2._id}`)).subject._id).toBe(session.subject._id);
  });

  it('keeps the embedded subject in sync with the subject', async () => {
    const h = await hierarchy(t);
    await t.ok('PUT', `/subjects/${h.subject}`, { body: { sex: 'male', code: 'renamed' } });
    const session = await t.ok('GET', `/sessions/${h.session}`);
    expect(session.subject).toMatchObject({ _id: h.subject, code: 'renamed', sex: 'male' });
    // editing through the session edits the subject
    await t.ok('PUT', `/sessions/${h.session}`, { body: { subject: { sex: 'female' } } });
    expect((await t.ok('GET', `/subjects/${h.subject}`)).sex).toBe('female');
  });

  it('modify keeps created and strictly increases modified', async () => {
    const h = await hierarchy(t);
    const before = await t.ok('GET', `/projects/${h.project}`);
    const r = await t.ok('PUT', `/projects/${h.project}`, {
      body: { label: 'Renamed', description: 'd' },
    });
    expect(r).toEqual({ modified: 1 });
    const after = await t.ok('GET', `/projects/${h.project}`);
    expect(after.label).toBe('Renamed');
    expect(after.created).toBe(before.created);
    expect(after.modified > before.modified).toBe(true);
    await t.ok('POST', `/projects/${h.project}/tags`, { body: { value: 'x' } });
    const third = await t.ok('GET', `/projects/${h.project}`);
    expect(third.modified > after.modified).toBe(true);
  });

  it('modify merges info into the stored info (nested objects too); other fields are set', async () => {
    const h = await hierarchy(t);
    await t.ok('PATCH', `/subjects/${h.subject}/info`, {
      body: { replace: { keep: 1, nested: { a: 1, b: 2 }, gone: { x: 1 } } },
    });
    await t.ok('PUT', `/subjects/${h.subject}`, {
      body: { sex: 'male', info: { key1: 'val1', nested: { b: 3 }, gone: {} } },
    });
    const subject = await t.ok('GET', `/subjects/${h.subject}`);
    expect(subject.sex).toBe('male');
    expect(subject.info).toEqual({ keep: 1, key1: 'val1', nested: { a: 1, b: 3 }, gone: {} });
  });

  it('null clears a field: it is removed rather than stored as null', async () => {
    const h = await hierarchy(t);
    await t.ok('PUT', `/subjects/${h.subject}`, { body: { firstname: 'Ada', sex: 'female' } });
    await t.ok('PUT', `/subjects/${h.subject}`, { body: { firstname: null, sex: null } });
    const subject = await t.ok('GET', `/subjects/${h.subject}`);
    expect(subject).not.toHaveProperty('firstname');
    expect(subject).not.toHaveProperty('sex');
  });

  it('rejects protected fields and unknown parents', async () => {
    const h = await hierarchy(t);
    expect((await t.call('PUT', `/projects/${h.project}`, { body: { _id: 'x' } })).status).toBe(
      400,
    );
    expect((await t.call('PUT', `/projects/${h.project}`, { body: { created: 'x' } })).status).toBe(
      400,
    );
    // a timestamp must be an ISO-8601 date-time (not, e.g., a Temporal string with a [zone] suffix)
    for (const timestamp of ['2020-01-01T04:30:00-05:00[America/New_York]', 'yesterday', 5]) {
      const r = await t.call('PUT', `/acquisitions/${h.acquisition}`, { body: { timestamp } });
      expect(r.status).toBe(400);
    }
    // stored in the one UTC form every other date has (filters compare them as text)
    for (const [given, stored] of [
      ['2020-01-01T04:30:00-05:00', '2020-01-01T09:30:00.000000+00:00'],
      ['2020-01-01T04:30:00.123Z', '2020-01-01T04:30:00.123000+00:00'],
      ['2020-01-01T04:30:00', '2020-01-01T04:30:00.000000+00:00'],
    ]) {
      await t.ok('PUT', `/acquisitions/${h.acquisition}`, { body: { timestamp: given } });
      expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).timestamp).toBe(stored);
    }
    // 04:30 in New York is 09:30 UTC: after 05:00 UTC, which a text comparison of the given
    // string would miss
    await t.ok('PUT', `/acquisitions/${h.acquisition}`, {
      body: { timestamp: '2020-01-01T04:30:00-05:00' },
    });
    const filter = encodeURIComponent(`timestamp>2020-01-01T05:00:00,session=${h.session}`);
    const found = await t.ok('GET', `/acquisitions?filter=${filter}`);
    expect(found).toHaveLength(1);
    expect(
      (
        await t.call('POST', '/acquisitions', {
          body: { session: h.session, label: 'bad', timestamp: 'nope' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.call('POST', '/projects', { body: { group: 'missing-group', label: 'x' } })).status,
    ).toBe(404);
    expect((await t.call('POST', '/projects', { body: { group: h.group } })).status).toBe(400);
    expect((await t.call('POST', '/groups', { body: { _id: 'Bad Id!' } })).status).toBe(400);
    expect(
      (await t.call('POST', '/groups', { body: { _id: h.group, label: 'again' } })).status,
    ).toBe(409);
  });

  it('lists children and the generic /containers view', async () => {
    const h = await hierarchy(t);
    const projects = await t.ok('GET', `/groups/${h.group}/projects`);
    expect(projects.map((p: any) => p._id)).toEqual([h.project]);
    expect((await t.ok('GET', `/projects/${h.project}/sessions`)).map((s: any) => s._id)).toEqual([
      h.session,
    ]);
    expect((await t.ok('GET', `/subjects/${h.subject}/sessions`)).map((s: any) => s._id)).toEqual([
      h.session,
    ]);
    expect(
      (await t.ok('GET', `/sessions/${h.session}/acquisitions`)).map((s: any) => s._id),
    ).toEqual([h.acquisition]);
    const generic = await t.ok('GET', `/containers/${h.session}`);
    const typed = await t.ok('GET', `/sessions/${h.session}`);
    expect(generic.container_type).toBe('session');
    const { container_type, ...rest } = generic;
    void container_type;
    expect(rest).toEqual(typed);
  });

  it('list items are slimmer: info emptied with info_exists', async () => {
    const h = await hierarchy(t);
    await t.ok('PATCH', `/projects/${h.project}/info`, { body: { set: { a: 1 } } });
    const [item] = await t.ok('GET', `/groups/${h.group}/projects`);
    expect(item.info).toEqual({});
    expect(item.info_exists).toBe(true);
    expect((await t.ok('GET', `/projects/${h.project}`)).info).toEqual({ a: 1 });
  });

  it('deletes a container with its descendants and their files', async () => {
    const h = await hierarchy(t);
    const fd = new FormData();
    fd.append('file', new Blob(['abc']), 'a.txt');
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, { raw: fd });
    expect(await t.ok('DELETE', `/sessions/${h.session}`)).toEqual({ deleted: 1 });
    expect((await t.call('GET', `/sessions/${h.session}`)).status).toBe(404);
    expect((await t.call('GET', `/acquisitions/${h.acquisition}`)).status).toBe(404);
    expect((await t.ok('GET', `/subjects/${h.subject}`))._id).toBe(h.subject);
    await t.ok('DELETE', `/groups/${h.group}`);
    expect((await t.call('GET', `/projects/${h.project}`)).status).toBe(404);
    expect((await t.call('GET', `/subjects/${h.subject}`)).status).toBe(404);
  });

  it('collections hold sessions and acquisitions', async () => {
    const h = await hierarchy(t);
    const col = (await t.ok('POST', '/collections', { body: { label: 'My collection' } }))._id;
    await t.ok('PUT', `/collections/${col}`, {
      body: { contents: { operation: 'add', nodes: [{ level: 'session', _id: h.session }] } },
    });
    expect((await t.ok('GET', `/collections/${col}/sessions`)).map((s: any) => s._id)).toEqual([
      h.session,
    ]);
    expect((await t.ok('GET', `/collections/${col}/acquisitions`)).map((s: any) => s._id)).toEqual([
      h.acquisition,
    ]);
    expect((await t.ok('GET', '/collections')).some((c: any) => c._id === col)).toBe(true);
  });

  it('group ids follow the reference rule', async () => {
    const id = gid('ok.');
    await t.ok('POST', '/groups', { body: { _id: id, label: 'L' } });
    expect((await t.ok('GET', `/groups/${id}`)).label).toBe('L');
    expect((await t.call('POST', '/groups', { body: { _id: 'A' } })).status).toBe(400);
  });
});
