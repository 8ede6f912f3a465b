/** Tags, notes and info on containers (quick reference "containers support" snippets). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Acquisition, Group, Project, Session } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

describe('tags, notes, info', () => {
  const ctx = useServer();
  let group: Group;
  let project: Project;
  let session: Session;
  let acquisition: Acquisition;

  beforeAll(async () => {
    const gid = await ctx.fw.addGroup({ _id: groupId('meta'), label: 'Meta' });
    group = (await ctx.fw.get(gid)) as Group;
    project = await group.addProject({ label: 'Meta project' });
    session = await project.addSession({ label: 'ses', subject: { code: 'm1' } });
    acquisition = await session.addAcquisition({ label: 'acq' });
  });

  it('tags: add, rename, delete on group, project, session and acquisition (insertion order kept)', async () => {
    for (const obj of [group, project, session, acquisition]) {
      await obj.addTag('Analysis Required');
      await obj.addTag('second');
      expect((await obj.reload()).tags).toEqual(['Analysis Required', 'second']);
      await obj.renameTag('second', 'renamed');
      expect((await obj.reload()).tags).toEqual(['Analysis Required', 'renamed']);
      await obj.deleteTag('Analysis Required');
      expect((await obj.reload()).tags).toEqual(['renamed']);
    }
  });

  it('notes: add then delete by id', async () => {
    const s = (await ctx.fw.get(session.id)) as Session;
    await s.addNote('This is a note');
    const withNote = await s.reload();
    expect(withNote.notes).toHaveLength(1);
    const note = withNote.notes![0]!;
    expect(note.text).toBe('This is a note');
    expect(note.created).toBeInstanceOf(Date);
    await s.deleteNote(note._id!);
    expect((await s.reload()).notes).toEqual([]);
  });

  it('info: replace overwrites, update merges, delete removes keys (varargs or list)', async () => {
    const acq = (await ctx.fw.get(acquisition.id)) as Acquisition;
    await acq.replaceInfo({ splines: 34 });
    expect((await acq.reload()).info).toEqual({ splines: 34 });
    await acq.updateInfo({ curve: 'bezier', a: 1, b: 2 });
    expect((await acq.reload()).info).toEqual({ splines: 34, curve: 'bezier', a: 1, b: 2 });
    await acq.deleteInfo('splines');
    await acq.deleteInfo(['a', 'b']);
    expect((await acq.reload()).info).toEqual({ curve: 'bezier' });
    await acq.replaceInfo({});
    expect((await acq.reload()).info).toEqual({});
  });

  it('update_info ≡ update({info}) on the session (quick reference)', async () => {
    await session.updateInfo({ hair: 'black', group: 'control', IQ: 107 });
    const a = (await session.reload()).info;
    await session.replaceInfo({});
    await session.update({ info: { hair: 'black', group: 'control', IQ: 107 } });
    expect((await session.reload()).info).toEqual(a);
  });

  it('generated info wrappers: setProjectInfo / replaceProjectInfo / deleteProjectInfoFields', async () => {
    const fw = ctx.fw;
    await fw.replaceProjectInfo(project.id, { x: 1, y: 2 });
    await fw.setProjectInfo(project.id, { z: 3 });
    await fw.deleteProjectInfoFields(project.id, ['x']);
    expect((await fw.getProject(project.id)).info).toEqual({ y: 2, z: 3 });
  });

  it('generated tag and note methods', async () => {
    const fw = ctx.fw;
    await fw.addProjectTag(project.id, { value: 'via-generated' });
    // v21: get_project_tag answers the tag itself (a string).
    expect(await fw.getProjectTag(project.id, 'via-generated')).toBe('via-generated');
    await fw.addProjectNote(project.id, { text: 'generated note' });
    expect((await fw.getProject(project.id)).notes!.map((n) => n.text)).toContain('generated note');
    // x-sdk-positional: a bare value is wrapped, as in Python's add_project_tag(id, 'x')
    await fw.addProjectTag(project.id, 'bare-tag');
    await fw.renameProjectTag(project.id, 'bare-tag', 'renamed-bare');
    await fw.addProjectNote(project.id, 'bare note');
    const fresh = await fw.getProject(project.id);
    expect(fresh.tags).toContain('renamed-bare');
    expect(fresh.notes!.map((n) => n.text)).toContain('bare note');
  });

  it('bulk tags (v21): PATCH and DELETE /projects/{id}/tags with a list', async () => {
    const fw = ctx.fw;
    await fw.addProjectTags(project.id, ['bulk-a', 'bulk-b']);
    expect((await fw.getProject(project.id)).tags).toEqual(
      expect.arrayContaining(['bulk-a', 'bulk-b']),
    );
    await fw.deleteProjectTags(project.id, ['bulk-a']);
    const tags = (await fw.getProject(project.id)).tags ?? [];
    expect(tags).toContain('bulk-b');
    expect(tags).not.toContain('bulk-a');
  });

  it('unicode labels and tags round-trip unchanged', async () => {
    const label = 'Ünïcødé 测试 🧠 проект';
    const p = await group.addProject({ label });
    await p.addTag('标签');
    const fresh = await p.reload();
    expect(fresh.label).toBe(label);
    expect(fresh.tags).toEqual(['标签']);
    expect((await group.projects.findOne(`label=${label}`)).id).toBe(p.id);
  });
});
