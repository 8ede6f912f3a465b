import { describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();

describe('tags', () => {
  it('adds in order, gets, renames, deletes, rejects duplicates and bad values', async () => {
    const h = await hierarchy(t);
    for (const [kind, id] of [
      ['groups', h.group],
      ['projects', h.project],
      ['sessions', h.session],
      ['acquisitions', h.acquisition],
    ] as const) {
      await t.ok('POST', `/${kind}/${id}/tags`, { body: { value: 'b' } });
      await t.ok('POST', `/${kind}/${id}/tags`, { body: { value: 'a' } });
      expect((await t.ok('GET', `/${kind}/${id}`)).tags).toEqual(['b', 'a']);
      // v21: GET /{types}/{id}/tags/{value} answers the tag as a JSON string
      expect(await t.ok('GET', `/${kind}/${id}/tags/a`)).toBe('a');
      expect((await t.call('POST', `/${kind}/${id}/tags`, { body: { value: 'a' } })).status).toBe(
        409,
      );
      expect(await t.ok('PUT', `/${kind}/${id}/tags/b`, { body: { value: 'c' } })).toBe('c');
      expect((await t.ok('GET', `/${kind}/${id}`)).tags).toEqual(['c', 'a']);
      await t.ok('DELETE', `/${kind}/${id}/tags/c`);
      expect((await t.ok('GET', `/${kind}/${id}`)).tags).toEqual(['a']);
      expect((await t.call('GET', `/${kind}/${id}/tags/zzz`)).status).toBe(404);
      expect(
        (await t.call('POST', `/${kind}/${id}/tags`, { body: { value: 'x'.repeat(33) } })).status,
      ).toBe(400);
      expect((await t.call('POST', `/${kind}/${id}/tags`, { body: { value: 3 } })).status).toBe(
        400,
      );
    }
  });

  it('PATCH /{types}/{id}/tags adds a list (204), DELETE /{types}/{id}/tags removes one', async () => {
    const h = await hierarchy(t);
    for (const [kind, id] of [
      ['projects', h.project],
      ['subjects', h.subject],
      ['acquisitions', h.acquisition],
    ] as const) {
      await t.ok('POST', `/${kind}/${id}/tags`, { body: { value: 'a' } });
      const add = await t.call('PATCH', `/${kind}/${id}/tags`, { body: ['a', 'b', 'c'] });
      expect(add.status).toBe(204);
      expect((await t.ok('GET', `/${kind}/${id}`)).tags).toEqual(['a', 'b', 'c']);
      const del = await t.call('DELETE', `/${kind}/${id}/tags`, { body: ['a', 'c', 'zzz'] });
      expect(del.status).toBe(204);
      expect((await t.ok('GET', `/${kind}/${id}`)).tags).toEqual(['b']);
      expect((await t.call('PATCH', `/${kind}/${id}/tags`, { body: { value: 'x' } })).status).toBe(
        400,
      );
    }
  });
});

describe('notes', () => {
  it('adds, gets, modifies and deletes notes with author and timestamps', async () => {
    const h = await hierarchy(t);
    // v21: POST /sessions/{session_id}/notes answers the Note
    const added = await t.ok('POST', `/sessions/${h.session}/notes`, { body: { text: 'first' } });
    expect(added).toMatchObject({ text: 'first', user: 'admin@local.flywheel' });
    const s = await t.ok('GET', `/sessions/${h.session}`);
    const note = s.notes[0];
    expect(note._id).toBe(added._id);
    expect(note).toMatchObject({ text: 'first', user: 'admin@local.flywheel' });
    expect(note._id).toMatch(/^[0-9a-f]{24}$/);
    expect(await t.ok('GET', `/sessions/${h.session}/notes/${note._id}`)).toEqual(note);
    expect(
      await t.ok('PUT', `/sessions/${h.session}/notes/${note._id}`, { body: { text: 'edited' } }),
    ).toBe(1);
    const edited = await t.ok('GET', `/sessions/${h.session}/notes/${note._id}`);
    expect(edited.text).toBe('edited');
    expect(edited.modified > note.modified).toBe(true);
    await t.ok('DELETE', `/sessions/${h.session}/notes/${note._id}`);
    expect((await t.call('GET', `/sessions/${h.session}/notes/${note._id}`)).status).toBe(404);
    expect(
      (await t.call('POST', `/sessions/${h.session}/notes`, { body: { text: '' } })).status,
    ).toBe(400);
  });
});

describe('info', () => {
  it('set merges, delete removes, replace overwrites; replace mixed with set is 400', async () => {
    const h = await hierarchy(t);
    const path = `/acquisitions/${h.acquisition}`;
    await t.ok('PATCH', `${path}/info`, { body: { set: { a: 1, b: { c: 2 } } } });
    await t.ok('PATCH', `${path}/info`, { body: { set: { d: 'x' }, delete: ['a'] } });
    expect((await t.ok('GET', path)).info).toEqual({ b: { c: 2 }, d: 'x' });
    await t.ok('PATCH', `${path}/info`, { body: { replace: { only: true } } });
    expect((await t.ok('GET', path)).info).toEqual({ only: true });
    expect(
      (await t.call('PATCH', `${path}/info`, { body: { replace: {}, set: { a: 1 } } })).status,
    ).toBe(400);
    expect((await t.call('PATCH', `${path}/info`, { body: { set: [1] } })).status).toBe(400);
    await t.ok('PATCH', `${path}/info`, { body: { replace: {} } });
    expect((await t.ok('GET', path)).info).toEqual({});
  });

  it('sanitises dotted keys', async () => {
    const h = await hierarchy(t);
    await t.ok('PATCH', `/projects/${h.project}/info`, { body: { set: { 'a.b': 1 } } });
    expect((await t.ok('GET', `/projects/${h.project}`)).info).toEqual({ a_b: 1 });
  });
});
