import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let userKey: string;

beforeAll(async () => {
  h = await hierarchy(t);
  userKey = await t.createUser('pack-user@example.com');
});

describe('packfiles', () => {
  it('POST /projects/{project_id}/packfile-start, …/packfile, GET …/packfile-end zip the staged files onto an acquisition', async () => {
    const { token } = await t.ok('POST', `/projects/${h.project}/packfile-start`);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const staged = await t.ok('POST', `/projects/${h.project}/packfile?token=${token}`, {
      raw: form([
        { name: 'a/1.dcm', data: 'one' },
        { name: 'a/2.dcm', data: 'two!' },
      ]),
    });
    expect(staged.map((f: any) => f.name)).toEqual(['a/1.dcm', 'a/2.dcm']);
    await t.ok('POST', `/projects/${h.project}/packfile?token=${token}`, {
      raw: form([{ name: 'a/3.dcm', data: '3' }]),
    });
    const meta = {
      session: { label: 'ses-01', subject: { code: 'sub-01' } },
      acquisition: { label: 'Localizer' },
      packfile: { type: 'dicom' },
    };
    const q = `token=${token}&metadata=${encodeURIComponent(JSON.stringify(meta))}`;
    expect(
      (await t.call('GET', `/projects/${h.project}/packfile-end?${q}&file_count=2`)).status,
    ).toBe(400);
    const end = await t.call('GET', `/projects/${h.project}/packfile-end?${q}&file_count=3`);
    expect(end.status).toBe(200);
    expect(end.headers.get('content-type')).toContain('text/event-stream');
    const text = end.bytes.toString('utf8');
    const result = JSON.parse(/event: result\ndata: (.*)\n/.exec(text)![1]!);
    expect(result.session_id).toBe(h.session);
    const acq = await t.ok('GET', `/acquisitions/${result.acquisition_id}`);
    expect(acq.label).toBe('Localizer');
    expect(acq.files.map((f: any) => f.name)).toEqual(['Localizer.dicom.zip']);
    expect(acq.files[0]).toMatchObject({ type: 'dicom', zip_member_count: 3 });
    const zip = await t.ok(
      'GET',
      `/acquisitions/${result.acquisition_id}/files/Localizer.dicom.zip?info=true`,
    );
    expect(zip.members.map((m: any) => [m.path, m.size])).toEqual([
      ['a/1.dcm', 3],
      ['a/2.dcm', 4],
      ['a/3.dcm', 1],
    ]);
    const member = await t.call(
      'GET',
      `/acquisitions/${result.acquisition_id}/files/Localizer.dicom.zip?member=a/2.dcm`,
    );
    expect(member.bytes.toString()).toBe('two!');
    // the token is used up
    expect(
      (await t.call('GET', `/projects/${h.project}/packfile-end?${q}&file_count=3`)).status,
    ).toBe(404);
  });

  it('packfile tokens belong to their user and project; POST /clean-packfiles keeps live tokens', async () => {
    const { token } = await t.ok('POST', `/projects/${h.project}/packfile-start`);
    expect(
      (await t.call('POST', `/projects/${h.project}/packfile-start`, { key: userKey })).status,
    ).toBe(403);
    const h2 = await hierarchy(t);
    expect(
      (
        await t.call('POST', `/projects/${h2.project}/packfile?token=${token}`, {
          raw: form([{ name: 'x', data: 'x' }]),
        })
      ).status,
    ).toBe(404);
    expect(await t.ok('POST', '/clean-packfiles')).toEqual({ removed: { tokens: 0, files: 0 } });
    expect((await t.call('POST', '/clean-packfiles', { key: userKey })).status).toBe(403);
    await t.ok('POST', `/projects/${h.project}/packfile?token=${token}`, {
      raw: form([{ name: 'x', data: 'x' }]),
    });
  });
});
