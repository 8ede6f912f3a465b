/** Container objects: the getting-started flow, update/reload, children, ref, dates, helpers. */
import { describe, expect, it } from 'vitest';
import {
  Acquisition,
  Analysis,
  FileSpec,
  Group,
  Project,
  Session,
  Subject,
  yearsToSeconds,
} from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

describe('container objects', () => {
  const ctx = useServer();

  async function newGroup(): Promise<Group> {
    // Python: fw.add_group(flywheel.Group('my_group', 'My Test Group')) returns the chosen id
    const id = await ctx.fw.addGroup({ _id: groupId('my_group'), label: 'My Test Group' });
    const group = await ctx.fw.get(id);
    expect(group).toBeInstanceOf(Group);
    return group as Group;
  }

  it('quick reference "creating objects" flow: group → project → subject → session → acquisition', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'My Test Project' });
    expect(project).toBeInstanceOf(Project);
    expect(project.group).toBe(group.id);
    expect(project.label).toBe('My Test Project');

    const subject = await project.addSubject({
      label: 'Subject2',
      firstname: 'Lisa',
      lastname: 'Simpson',
      sex: 'female',
    });
    expect(subject).toBeInstanceOf(Subject);
    expect(subject.project).toBe(project.id);
    expect([subject.firstname, subject.lastname, subject.sex]).toEqual([
      'Lisa',
      'Simpson',
      'female',
    ]);

    const session = await subject.addSession({
      label: 'Session1',
      age: 20 * 365 * 24 * 60 * 60,
      weight: 140,
    });
    expect(session).toBeInstanceOf(Session);
    expect(session.project).toBe(project.id);
    expect(session.subject).toBeInstanceOf(Subject);
    expect(session.subject!.id).toBe(subject.id);
    expect(session.age).toBe(20 * 365 * 24 * 60 * 60);

    const acquisition = await session.addAcquisition({ label: 'Localizer' });
    expect(acquisition).toBeInstanceOf(Acquisition);
    expect(acquisition.session).toBe(session.id);

    const viaProject = await project.addSession({
      label: 'Direct',
      subject: { code: 'direct-subject' },
    });
    expect(viaProject.project).toBe(project.id);

    const projects = await group.projects();
    expect(projects.map((p) => p.label)).toEqual(['My Test Project']);
  });

  it('update() changes the server, not the local copy; reload() returns a fresh object', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Old label' });
    await project.update({ label: 'New Project Label' });
    expect(project.label).toBe('Old label');
    const fresh = await project.reload();
    expect(fresh).not.toBe(project);
    expect(fresh).toBeInstanceOf(Project);
    expect(fresh.label).toBe('New Project Label');
    expect(fresh.created!.getTime()).toBe(project.created!.getTime());
    expect(fresh.modified!.getTime()).toBeGreaterThan(project.modified!.getTime());
    expect(project.label).toBe('Old label');

    const subject = await fresh.addSubject({ label: 'sub', code: 'sub' });
    await subject.update({ type: 'human', sex: 'female' });
    const s2 = await subject.reload();
    expect([s2.type, s2.sex]).toEqual(['human', 'female']);
    // update with info and other fields in one call
    await s2.update({ sex: 'male', info: { key1: 'val1' } });
    const s3 = await s2.reload();
    expect(s3.sex).toBe('male');
    expect(s3.info).toEqual({ key1: 'val1' });
  });

  it('acquisition timestamps: update with a Date, read back as Date, local/original helpers', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Times' });
    const session = await project.addSession({ label: 's', subject: { code: 'x' } });
    const acq = await session.addAcquisition({ label: 'MyNewAcquisition' });
    const when = new Date(Date.UTC(2020, 0, 1, 4, 30));
    await acq.update({ timestamp: when, timezone: 'America/New_York' });
    const fresh = await acq.reload();
    expect(fresh.timestamp).toBeInstanceOf(Date);
    expect((fresh.timestamp as Date).getTime()).toBe(when.getTime());
    expect(fresh.localTimestamp!.epochMilliseconds).toBe(when.getTime());
    const original = fresh.originalTimestamp!;
    expect(original.timeZoneId).toBe('America/New_York');
    expect(original.hour).toBe(23); // 04:30 UTC is 23:30 the previous day in New York
    expect(fresh.localCreated!.epochMilliseconds).toBe(fresh.created!.getTime());
  });

  it('session age helpers', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Ages' });
    const session = await project.addSession({
      label: 's',
      subject: { code: 'y' },
      age: yearsToSeconds(56),
    });
    expect(session.age).toBe(yearsToSeconds(56));
    expect(session.ageYears).toBe(56);
    expect(session.ageDays).toBeCloseTo(56 * 365.25, 6);
  });

  it('ref() gives {type, id}; FileEntry.ref() adds the name', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Refs' });
    expect(project.ref()).toEqual({ type: 'project', id: project.id });
    expect(group.ref()).toEqual({ type: 'group', id: group.id });
    const file = (await project.uploadFile(new FileSpec('a.txt', 'A')))[0]!;
    expect(file.ref()).toEqual({ type: 'project', id: project.id, name: 'a.txt' });
    expect(project.fileRef('a.txt')).toEqual(file.ref());
  });

  it('wire fields stay snake_case, with an id getter and JSON that round-trips', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Wire', description: 'd' });
    expect(project.id).toBe(project._id);
    expect(Object.keys(project)).toContain('_id');
    expect(Object.keys(project)).not.toContain('_client');
    const json = JSON.parse(JSON.stringify(project));
    expect(json.label).toBe('Wire');
    expect(json.created).toBe(project.created!.toISOString());
    expect(project.toData()).toEqual(json);
  });

  it('addAnalysis creates an ad-hoc analysis and returns the Analysis object', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Analyses' });
    const session = await project.addSession({ label: 's', subject: { code: 'z' } });
    const acq = await session.addAcquisition({ label: 'a' });
    await acq.uploadFile(new FileSpec('input.txt', 'in'));
    const analysis = await session.addAnalysis({
      label: 'My analysis',
      inputs: [{ type: 'acquisition', id: acq.id, name: 'input.txt' }],
    });
    expect(analysis).toBeInstanceOf(Analysis);
    expect(analysis.label).toBe('My analysis');
    expect(analysis.parent).toEqual(expect.objectContaining({ id: session.id }));
    expect(analysis.inputs![0]!.name).toBe('input.txt');
    const embedded = (await session.reload()).analyses!;
    expect(embedded.map((a) => a.id)).toEqual([analysis.id]);
    expect(embedded[0]).toBeInstanceOf(Analysis);
    await analysis.update({ label: 'Renamed' });
    expect((await analysis.reload()).label).toBe('Renamed');
    expect((await ctx.fw.getAnalysis(analysis.id)).label).toBe('Renamed');
  });

  it('capabilities follow the table: groups have no notes/files; subjects no permissions', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Caps' });
    const subject = await project.addSubject({ label: 'c', code: 'c' });
    const g = group as unknown as Record<string, unknown>;
    expect(typeof g['addTag']).toBe('function');
    expect(typeof g['addPermission']).toBe('function');
    expect(g['addNote']).toBeUndefined();
    expect(g['uploadFile']).toBeUndefined();
    expect((subject as unknown as Record<string, unknown>)['addPermission']).toBeUndefined();
    expect(typeof subject.uploadFile).toBe('function');
    expect(typeof project.addPermission).toBe('function');
  });

  it('deleting through the generated methods', async () => {
    const group = await newGroup();
    const project = await group.addProject({ label: 'Keep' });
    const session = await project.addSession({ label: 's', subject: { code: 'd' } });
    const acq = await session.addAcquisition({ label: 'Doomed' });
    await ctx.fw.deleteAcquisition(acq.id);
    await expect(acq.reload()).rejects.toMatchObject({ status: 404 });
    expect(await session.acquisitions()).toEqual([]);
  });
});
