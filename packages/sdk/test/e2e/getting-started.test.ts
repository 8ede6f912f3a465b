/**
 * The Python SDK "Getting Started" and "Quick Reference" snippets, in TypeScript (camelCase,
 * await), run in order against a fresh server.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Acquisition,
  ApiException,
  Client,
  FileSpec,
  Group,
  Project,
  Session,
  Subject,
} from '../../src/node.js';
import { useServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

describe('getting started', () => {
  const ctx = useServer();
  let fw: Client;
  let tmp: string;
  let project: Project;
  let session: Session;
  let acquisition: Acquisition;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fw-gs-'));
    // Create client
    fw = new Client(ctx.server.apiKey);
    // site content the snippets refer to
    await fw.addGroup({ _id: 'flywheel', label: 'Flywheel' });
    project = await ((await fw.get('flywheel')) as Group).addProject({ label: 'Anxiety Study' });
    const subject = await project.addSubject({ label: 'sub-01', code: 'sub-01' });
    session = await subject.addSession({ label: 'Session 1' });
    acquisition = await session.addAcquisition({ label: 'T1w' });
  });

  it('making API calls: information about yourself', async () => {
    const self = await fw.getCurrentUser();
    expect(`I am ${self.firstname} ${self.lastname}`).toMatch(/^I am \S+ \S+/);
  });

  it('finding objects: resolve, lookup, get', async () => {
    const result = await fw.resolve('flywheel/Anxiety Study');
    const resolved = result.path[result.path.length - 1]!;
    expect(resolved.id).toBe(project.id);
    expect(result.path.map((el) => `${(el as Group).label}: ${el.id}`)).toEqual([
      'Flywheel: flywheel',
      `Anxiety Study: ${project.id}`,
    ]);
    expect(result.children.map((el) => (el as Subject).label)).toEqual(['sub-01']);

    const looked = await fw.lookup('flywheel/Anxiety Study');
    expect(looked.id).toBe(project.id);

    const got = await fw.get(session.id);
    expect(got).toBeInstanceOf(Session);
  });

  it('working with objects: update leaves the local copy; reload refreshes', async () => {
    await project.update({ label: 'New Project Label' });
    expect(project.label).toBe('Anxiety Study');
    const subject = (await fw.get((await project.subjects.findFirst())!.id)) as Subject;
    await subject.update({ type: 'human', sex: 'female' });
    session = await session.reload();
    expect((session.subject as Subject).sex).toBe('female');
    project = await project.reload();
    expect(project.label).toBe('New Project Label');
  });

  it('working with finders', async () => {
    const allProjects = await fw.projects();
    expect(allProjects.map((p) => p.id)).toContain(project.id);
    await fw.addProject({ group: 'flywheel', label: 'My Project' });
    const myProject = await fw.projects.findFirst('label=My Project');
    expect(myProject!.label).toBe('My Project');
    const sessions = await project.sessions.find('created>2018-10-31');
    expect(sessions.map((s) => s.id)).toEqual([session.id]);
    const failed: string[] = [];
    for await (const job of fw.jobs.iterFind('state=failed'))
      failed.push(`Job: ${job.id}, Gear: ${job.gear_info?.name}`);
    expect(failed).toEqual([]);
    const labels: string[] = [];
    for await (const s of project.sessions.iter()) labels.push(s.label!);
    expect(labels).toEqual(['Session 1']);
  });

  it('dealing with files', async () => {
    writeFileSync(join(tmp, 'hello.txt'), 'Hello from disk\n');
    // Upload the file at /tmp/hello.txt
    await project.uploadFile(join(tmp, 'hello.txt'));
    // Upload the data 'Hello World!'
    const fileSpec = new FileSpec('hello.txt', 'Hello World!\n', 'text/plain');
    await project.uploadFile(fileSpec);
    // Some endpoints allow multiple file uploads
    const analysis = await session.addAnalysis({ label: 'outputs' });
    writeFileSync(join(tmp, 'hello1.txt'), '1');
    writeFileSync(join(tmp, 'hello2.txt'), '2');
    await analysis.uploadOutput([join(tmp, 'hello1.txt'), join(tmp, 'hello2.txt')]);
    expect((await analysis.reload()).files!.map((f) => f.name).sort()).toEqual([
      'hello1.txt',
      'hello2.txt',
    ]);

    // Download file to /tmp/hello.txt, or directly to memory
    await project.downloadFile('hello.txt', join(tmp, 'downloaded.txt'));
    expect(readFileSync(join(tmp, 'downloaded.txt'), 'utf8')).toBe('Hello World!\n');
    const data = await project.readFile('hello.txt');
    expect(new TextDecoder().decode(data)).toBe('Hello World!\n');

    // zip files
    await acquisition.uploadFile(
      new FileSpec('my-archive.zip', await makeZip({ 'readme.txt': 'Read me!' })),
    );
    const zipInfo = await acquisition.getFileZipInfo('my-archive.zip');
    const entryName = zipInfo.members![0]!.path!;
    const outPath = join(tmp, entryName);
    await acquisition.downloadFileZipMember('my-archive.zip', entryName, outPath);
    expect(readFileSync(outPath, 'utf8')).toBe('Read me!');
    const zipData = await acquisition.readFileZipMember('my-archive.zip', 'readme.txt');
    expect(new TextDecoder().decode(zipData)).toBe('Read me!');
  });

  it('handling exceptions', async () => {
    let message = '';
    try {
      await fw.getProject('NON_EXISTENT_ID');
    } catch (e) {
      if (!(e instanceof ApiException)) throw e;
      message = `API Error: ${e.status} -- ${e.reason}`;
    }
    expect(message).toMatch(/^API Error: 4\d\d -- \w/);
  });
});

describe('quick reference', () => {
  const ctx = useServer();
  let fw: Client;
  let group: Group;
  let project: Project;

  beforeAll(async () => {
    fw = new Client(ctx.server.apiKey);
    const groupId = await fw.addGroup({ _id: 'scien', label: 'scien' });
    group = (await fw.get(groupId)) as Group;
    project = await group.addProject({ label: 'cmrr_deid' });
    await group.addProject({ label: 'checkerboard_study' });
    for (const [label, age, sex] of [
      ['young-male', 20, 'male'],
      ['old-male', 40, 'male'],
      ['young-female', 25, 'female'],
    ] as const) {
      const subject = await project.addSubject({
        label,
        code: label,
        // v21's SubjectInput has no age (only SubjectOutput has one); this site keeps the age
        // sent at creation, which the age filter snippets need.
        ...({ age } as object),
        sex,
        info: { custom_info_field: label },
      });
      const s = await subject.addSession({ label: `${label}-Resting-baseline` });
      await s.addAcquisition({ label: 'rfMRI_REST_AP_Run1' });
      await s.addAcquisition({ label: 'BOLD_task_checkerboard' });
    }
  });

  it('groups: list, get, lookup, find by _id', async () => {
    const allGroups = await fw.groups();
    expect(allGroups.map((g) => g.id)).toContain('scien');
    const viaGet = await fw.get('scien');
    const viaLookup = await fw.lookup('scien');
    const viaFind = await fw.groups.find('_id=scien');
    expect([viaGet.id, viaLookup.id, viaFind[0]!.id]).toEqual(['scien', 'scien', 'scien']);
    expect(viaGet).toBeInstanceOf(Group);
  });

  it('projects in a group, one project four ways, its id', async () => {
    const inGroup = await fw.projects.find('group=scien');
    expect(inGroup).toHaveLength(2);
    expect(await group.projects()).toHaveLength(2);
    const a = await fw.projects.find('group=scien,label=cmrr_deid');
    const b = await fw.projects.findFirst('group=scien,label=cmrr_deid');
    const c = await fw.projects.findOne('group=scien,label=cmrr_deid');
    const d = await fw.lookup('scien/cmrr_deid');
    const e = await group.projects.findOne('label=cmrr_deid');
    expect([a[0]!.id, b!.id, c.id, d.id, e.id]).toEqual(Array(5).fill(project.id));
    const projectId = d.id;
    expect((await fw.get(projectId)).id).toBe(projectId);
  });

  it('subjects: all, iterated, filtered by age/sex and by info', async () => {
    const p = (await fw.get(project.id)) as Project;
    expect(await p.subjects()).toHaveLength(3);
    expect(await p.subjects.find()).toHaveLength(3);
    let n = 0;
    for await (const _ of p.subjects.iter()) n++;
    expect(n).toBe(3);
    const youngMales = await p.subjects.find('age<30,sex=male');
    expect(youngMales.map((s) => s.label)).toEqual(['young-male']);
    const byInfo = await p.subjects.find('info.custom_info_field=old-male');
    expect(byInfo.map((s) => s.label)).toEqual(['old-male']);
    expect((await p.subjects.find('label=young-female')).length).toBe(1);
    expect((await fw.subjects.find(`project=${p.id}`)).length).toBe(3);
  });

  it('sessions and acquisitions: regex filters, parents filter on the client finder', async () => {
    const sessions = await project.sessions.find('label=~.*baseline');
    expect(sessions).toHaveLength(3);
    const subject = await project.subjects.findOne('label=young-male');
    const s = await subject.sessions.findOne('label=young-male-Resting-baseline');
    const acqs = await s.acquisitions.find('label=~.*REST.*');
    expect(acqs.map((a) => a.label)).toEqual(['rfMRI_REST_AP_Run1']);
    const checker = await fw.projects.findOne('label=checkerboard_study');
    expect(
      await fw.acquisitions.find(`parents.project=${checker.id},label=BOLD_task_checkerboard`),
    ).toEqual([]);
    const inProject = await fw.acquisitions.find(
      `parents.project=${project.id},label=BOLD_task_checkerboard`,
    );
    expect(inProject).toHaveLength(3);
  });

  it('files of an acquisition: list, pick by name and by type, download one', async () => {
    const session = await project.sessions.findFirst();
    const acquisition = await session!.acquisitions.findOne('label=rfMRI_REST_AP_Run1');
    await acquisition.uploadFile(new FileSpec('rfMRI_REST_AP_12.nii.gz', 'nifti'));
    await acquisition.uploadFile(new FileSpec('rfMRI.dicom.zip', 'dicom'));
    const fresh = await acquisition.reload();
    const file = fresh.files!.filter((f) => f.name === 'rfMRI_REST_AP_12.nii.gz')[0]!;
    expect(file.type).toBe('nifti');
    const niftiFiles = fresh.files!.filter((f) => f.type === 'nifti');
    expect(niftiFiles.map((f) => f.name)).toEqual(['rfMRI_REST_AP_12.nii.gz']);
    const dir = mkdtempSync(join(tmpdir(), 'fw-qr-'));
    const downloadLocation = join(dir, file.name);
    await file.download(downloadLocation);
    expect(readFileSync(downloadLocation, 'utf8')).toBe('nifti');
    // container parents
    expect(fresh.parents).toEqual(
      expect.objectContaining({ group: 'scien', project: project.id, session: session!.id }),
    );
  });

  it('download_tar of an acquisition', async () => {
    const acquisition = await fw.acquisitions.findFirst(`parents.project=${project.id}`);
    const dest = join(mkdtempSync(join(tmpdir(), 'fw-qr-')), 'acquisition.tar');
    await fw.downloadTar([acquisition!], dest);
    expect(readFileSync(dest).length).toBeGreaterThan(0);
  });
});
