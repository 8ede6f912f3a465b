import { describe, expect, it } from 'vitest';
import { gid, useServer } from './helpers/server.js';

const t = useServer();

function body(meta: unknown, files: [string, string][]): FormData {
  const fd = new FormData();
  fd.append('metadata', JSON.stringify(meta));
  for (const [name, data] of files) fd.append('files', new Blob([data]), name);
  return fd;
}

describe('uploads by label and uid', () => {
  it('POST /upload/label creates the hierarchy by label and places files by level', async () => {
    const group = gid();
    await t.ok('POST', '/groups', { body: { _id: group, label: group } });
    const meta = {
      group: { _id: group },
      project: { label: 'Up', files: [{ name: 'proj.txt', tags: ['p'] }] },
      session: { label: 'S1', subject: { code: 'sub-9' } },
      acquisition: { label: 'A1', files: [{ name: 'scan.dcm', type: 'dicom' }] },
    };
    const out = await t.ok('POST', '/upload/label', {
      raw: body(meta, [
        ['proj.txt', 'p'],
        ['scan.dcm', 'dcm'],
        ['other.txt', 'o'],
      ]),
    });
    expect(out.map((f: any) => [f.name, f.parent_ref.type])).toEqual([
      ['proj.txt', 'project'],
      ['scan.dcm', 'acquisition'],
      ['other.txt', 'acquisition'],
    ]);
    expect(out[0]).toMatchObject({ tags: ['p'], _id: { version: 1 } });
    const projects = await t.ok('GET', `/groups/${group}/projects`);
    expect(projects.map((p: any) => p.label)).toEqual(['Up']);
    // the same labels again: same containers, a new version
    const again = await t.ok('POST', '/upload/label', { raw: body(meta, [['scan.dcm', 'v2']]) });
    expect(again[0]).toMatchObject({ _id: { file_id: out[1]._id.file_id, version: 2 } });
    expect((await t.ok('GET', `/groups/${group}/projects`)).length).toBe(1);
    const sessions = await t.ok('GET', `/projects/${projects[0]._id}/sessions`);
    expect(sessions.map((s: any) => [s.label, s.subject.code])).toEqual([['S1', 'sub-9']]);
  });

  it('POST /upload/uid and POST /upload/reaper match sessions and acquisitions by uid', async () => {
    const group = gid();
    await t.ok('POST', '/groups', { body: { _id: group, label: group } });
    const meta = {
      group: { _id: group },
      project: { label: 'U' },
      session: { uid: '1.2.840.1', label: 'ses', subject: { code: 's1' } },
      acquisition: { uid: '1.2.840.1.1', label: 'acq' },
    };
    const a = await t.ok('POST', '/upload/uid', { raw: body(meta, [['x.dcm', 'x']]) });
    const b = await t.ok('POST', '/upload/reaper', {
      raw: body({ ...meta, acquisition: { uid: '1.2.840.1.1', label: 'renamed' } }, [
        ['y.dcm', 'y'],
      ]),
    });
    expect(b[0].parent_ref).toEqual(a[0].parent_ref);
    expect(
      (await t.call('POST', '/upload/uid', { raw: body({ project: {} }, [['z', 'z']]) })).status,
    ).toBe(400);
  });
});
