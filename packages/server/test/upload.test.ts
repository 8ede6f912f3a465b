import { beforeAll, describe, expect, it } from 'vitest';
import { form, gid, useServer } from './helpers/server.js';

const t = useServer();
let group: string;
let userKey: string;

beforeAll(async () => {
  group = gid();
  await t.ok('POST', '/groups', { body: { _id: group, label: 'Uploads' } });
  userKey = await t.createUser('uploader@example.com');
});

describe('placement uploads', () => {
  it('POST /upload/label creates project/subject/session/acquisition by label and places the files', async () => {
    const meta = {
      group: { _id: group },
      project: { label: 'Study' },
      session: { label: 'ses-01', subject: { code: 'sub-01' } },
      acquisition: { label: 'T1w', files: [{ name: 't1.nii.gz', modality: 'MR', tags: ['raw'] }] },
    };
    const files = await t.ok('POST', '/upload/label', {
      raw: form(
        [
          { name: 't1.nii.gz', data: 'nifti-bytes' },
          { name: 'notes.txt', data: 'n' },
        ],
        meta,
      ),
    });
    expect(files).toHaveLength(2);
    expect(files[0]).toMatchObject({ name: 't1.nii.gz', modality: 'MR', tags: ['raw'], size: 11 });
    expect(files[0]._id.version).toBe(1);
    const acqId = files[0].parent_ref.id;
    const acq = await t.ok('GET', `/acquisitions/${acqId}`);
    expect(acq.label).toBe('T1w');
    expect(acq.files.map((f: any) => f.name).sort()).toEqual(['notes.txt', 't1.nii.gz']);
    const ses = await t.ok('GET', `/sessions/${acq.parents.session}`);
    expect(ses).toMatchObject({ label: 'ses-01', subject: { code: 'sub-01' } });
    // the same labels find the same containers: a second upload adds a version
    const again = await t.ok('POST', '/upload/label', {
      raw: form([{ name: 't1.nii.gz', data: 'v2' }], meta),
    });
    expect(again[0].parent_ref.id).toBe(acqId);
    expect(again[0]._id.version).toBe(2);
    const projects = await t.ok('GET', `/groups/${group}/projects`);
    expect(projects.filter((p: any) => p.label === 'Study')).toHaveLength(1);
  });

  it('POST /upload/uid matches sessions and acquisitions by uid', async () => {
    const meta = (label: string) => ({
      group: { _id: group },
      project: { label: 'Study' },
      subject: { code: 'sub-02' },
      session: { uid: '1.2.3', label },
      acquisition: { uid: '1.2.3.4', label: 'dwi', files: [{ name: 'a.dcm' }] },
    });
    const first = await t.ok('POST', '/upload/uid', {
      raw: form([{ name: 'a.dcm', data: 'x' }], meta('ses-a')),
    });
    const second = await t.ok('POST', '/upload/reaper', {
      raw: form([{ name: 'b.dcm', data: 'y' }], meta('renamed')),
    });
    expect(second[0].parent_ref.id).toBe(first[0].parent_ref.id);
    const acq = await t.ok('GET', `/acquisitions/${first[0].parent_ref.id}`);
    expect(acq.uid).toBe('1.2.3.4');
    const ses = await t.ok('GET', `/sessions/${acq.parents.session}`);
    expect(ses.label).toBe('ses-a');
  });

  it('POST /upload/label rejects bad metadata, unknown groups and callers without access', async () => {
    const f = () => [{ name: 'x.txt', data: 'x' }];
    expect((await t.call('POST', '/upload/label', { raw: form(f()) })).status).toBe(400);
    expect(
      (await t.call('POST', '/upload/label', { raw: form(f(), { group: { _id: group } }) })).status,
    ).toBe(400);
    expect(
      (
        await t.call('POST', '/upload/label', {
          raw: form(f(), { group: { _id: 'nope-group' }, project: { label: 'P' } }),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.call('POST', '/upload/label', {
          raw: form(f(), {
            group: { _id: group },
            project: { label: 'P' },
            session: { label: 's' },
          }),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.call('POST', '/upload/label', {
          raw: form(f(), { group: { _id: group }, project: { label: 'Study' } }),
          key: userKey,
        })
      ).status,
    ).toBe(403);
  });
});
