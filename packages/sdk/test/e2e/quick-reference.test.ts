/**
 * Every code snippet of the Python SDK "Quick Reference" (and the "Getting Started" forms that
 * getting-started.test.ts does not already run), in document order, translated mechanically:
 * snake_case → camelCase, `await`, `for await` over iterators, dicts → plain objects. Each test
 * asserts on what the snippet produces against a real local server.
 *
 * Where the Python snippet cannot run as printed (unbalanced quotes, names it never defines,
 * lines missing from the page) the test does what the snippet plainly means, with a note.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Acquisition,
  ApiException,
  Client,
  FileEntry,
  FileSpec,
  Group,
  NotFoundError,
  Project,
  Role,
  Session,
  Subject,
  Temporal,
  User,
  yearsToSeconds,
} from '../../src/node.js';
import type { NewContainerFields, SessionListOutput } from '../../src/node.js';
import { useServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

/** v21 types the search answer as the hits or a free-form object (csv/facets); these are hits. */
function hits<T>(answer: T[] | Record<string, unknown>): T[] {
  if (!Array.isArray(answer)) throw new Error('search answered an object, not a list of hits');
  return answer;
}

const labels = (xs: readonly { label?: string | null }[]) => xs.map((x) => x.label).sort();

describe('quick reference, snippet by snippet', () => {
  const ctx = useServer();
  let fw: Client;
  let tmp: string;

  // Seeded content (ids vary per run; the snippets' hard-coded ids are replaced by these).
  let scien: Group;
  let cmrr: Project;
  let checkerboard: Project;
  let youngMale: Subject;
  let restingBaseline: Session;
  let restAcq: Acquisition;
  let checkerAcqIds: string[];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fw-qr-'));
    fw = new Client(ctx.server.apiKey);

    await fw.addGroup({ _id: 'scien', label: 'Scientific Computing' });
    scien = (await fw.get('scien')) as Group;
    cmrr = await scien.addProject({ label: 'cmrr_deid', description: 'de-identified' });
    checkerboard = await scien.addProject({ label: 'checkerboard_study' });

    // Subjects for the finder snippets: age/sex filters, a custom info field, a label.
    const subjects: [string, number, 'male' | 'female' | 'other', string[]][] = [
      ['young-male', 20, 'male', ['Resting-baseline', 'Resting-followup']],
      ['old-male', 40, 'male', ['resting-baseline', 'resting-followup']],
      ['young-female', 25, 'female', ['baseline']],
      ['ExampleSubject', 33, 'other', []],
    ];
    for (const [label, age, sex, sessionLabels] of subjects) {
      // v21's SubjectInput has no age (only SubjectOutput has one); this site keeps the age
      // sent at creation, which the age<30 filter snippets need.
      const subject = await cmrr.addSubject({
        label,
        ...({ age } as object),
        sex,
        info: { custom_info_field: label === 'ExampleSubject' ? 'desired_value' : label },
      });
      if (label === 'young-male') youngMale = subject;
      for (const sl of sessionLabels) {
        const s = await subject.addSession({ label: sl });
        if (label === 'young-male' && sl === 'Resting-baseline') restingBaseline = s;
      }
    }
    restAcq = await restingBaseline.addAcquisition({ label: 'rfMRI_REST_AP_Run1' });
    await restingBaseline.addAcquisition({ label: 'resting_state_fMRI' });
    await restingBaseline.addAcquisition({ label: 'BOLD_task_checkerboard' });
    await restAcq.uploadFile(new FileSpec('rfMRI_REST_AP_12.nii.gz', 'nifti bytes'));
    await restAcq.uploadFile(
      new FileSpec('rfMRI_REST_AP_12.dicom.zip', await makeZip({ 'a.dcm': 'x' })),
    );

    // The checkerboard study: two acquisitions with the label the client-finder snippet uses.
    const cs = await checkerboard.addSubject({ label: 'cb-01' });
    const cses = await cs.addSession({ label: 'cb-session' });
    checkerAcqIds = [];
    for (let i = 0; i < 2; i++) {
      checkerAcqIds.push((await cses.addAcquisition({ label: 'BOLD_task_checkerboard' })).id);
    }
    await cses.addAcquisition({ label: 'T1w' });
  });

  describe('Making API Calls', () => {
    it('Client(key) + get_current_user', async () => {
      // fw = flywheel.Client('my-key')
      const fw = new Client(ctx.server.apiKey);
      const self = await fw.getCurrentUser();
      expect(self).toBeInstanceOf(User);
      expect(`I am ${self.firstname} ${self.lastname}`).toMatch(/^I am \S+ \S+$/);
      expect(self.id).toBe('admin@local.flywheel');
    });

    it('Client() with CLI credentials; user firstname/lastname/email', async () => {
      // fw = flywheel.Client() — the CLI login lives in ~/.config/flywheel/user.json
      const home = mkdtempSync(join(tmpdir(), 'fw-qr-home-'));
      mkdirSync(join(home, '.config', 'flywheel'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'flywheel', 'user.json'),
        JSON.stringify({ key: ctx.server.apiKey }),
      );
      const oldHome = process.env['HOME'];
      process.env['HOME'] = home;
      let cliFw: Client;
      try {
        cliFw = new Client();
      } finally {
        process.env['HOME'] = oldHome;
      }
      const userInfo = await cliFw.getCurrentUser();
      const text =
        `Firstname: ${userInfo.firstname} \n` +
        `Lastname: ${userInfo.lastname} \n` +
        `Email: ${userInfo.email}`;
      expect(text).toMatch(/^Firstname: \S+ \nLastname: \S+ \nEmail: \S+@\S+$/);
    });

    it('Client(api_key) without the CLI', async () => {
      const apiKey = ctx.server.apiKey;
      const fw = new Client(apiKey);
      const userInfo = await fw.getCurrentUser();
      expect(userInfo.email).toContain('@');
    });
  });

  describe('Flywheel Objects', () => {
    it('group, project, subject and session objects carry the documented keys', async () => {
      const group = (await fw.get('scien')) as Group;
      expect(group._id).toBe('scien');
      expect(group.label).toBe('Scientific Computing');
      expect(group.created).toBeInstanceOf(Date);
      expect(group.modified).toBeInstanceOf(Date);
      expect(Array.isArray(group.permissions)).toBe(true);
      expect(Array.isArray(group.tags)).toBe(true);

      const project = (await fw.get(cmrr.id)) as Project;
      expect(project.label).toBe('cmrr_deid');
      expect(project.description).toBe('de-identified');
      expect(project.group).toBe('scien');
      expect(project.parents).toMatchObject({ group: 'scien' });
      expect(project.info).toEqual({});
      expect(Array.isArray(project.files)).toBe(true);
      expect(Array.isArray(project.analyses)).toBe(true);
      expect(Array.isArray(project.permissions)).toBe(true);

      const subject = (await fw.get(youngMale.id)) as Subject;
      expect(subject.project).toBe(cmrr.id);
      expect(subject.sex).toBe('male');
      expect(subject.label).toBe('young-male');
      expect(subject.info).toEqual({ custom_info_field: 'young-male' });
      expect(subject.parents).toMatchObject({ group: 'scien', project: cmrr.id });

      const session = (await fw.get(restingBaseline.id)) as Session;
      expect(session.project).toBe(cmrr.id);
      expect(session.group).toBe('scien');
      expect((session.subject as Subject).label).toBe('young-male');
      expect(labels(await session.acquisitions())).toEqual([
        'BOLD_task_checkerboard',
        'resting_state_fMRI',
        'rfMRI_REST_AP_Run1',
      ]);
    });
  });

  describe('Finding Data', () => {
    it('fw.projects.find() ≡ fw.projects() (and subjects, sessions)', async () => {
      expect(labels(await fw.projects.find())).toEqual(labels(await fw.projects()));
      expect(await fw.projects.find()).toHaveLength(2);
      expect(await fw.subjects.find()).toHaveLength(5);
      expect(await fw.subjects()).toHaveLength(5);
      expect(await fw.sessions.find()).toHaveLength(6);
      expect(await fw.sessions()).toHaveLength(6);
    });

    it('project.subjects.find() / project.subjects() / find("created>2018-10-31")', async () => {
      const project = await fw.getProject(cmrr.id);
      let subjects = await project.subjects.find();
      expect(subjects).toHaveLength(4);
      subjects = await project.subjects();
      expect(subjects).toHaveLength(4);
      // The page prints this one inside backquotes with typographic quotes.
      const subject = await project.subjects.find('created>2018-10-31');
      expect(subject).toHaveLength(4);
      expect(await project.subjects.find('created>2999-01-01')).toEqual([]);
    });

    it('find_first / iter_find from the client and from a container', async () => {
      expect(await fw.subjects.findFirst()).toBeInstanceOf(Subject);
      const viaClient: string[] = [];
      for await (const s of fw.sessions.iterFind()) viaClient.push(s.label!);
      expect(viaClient).toHaveLength(6);

      const project = await fw.getProject(cmrr.id);
      const subjects = await project.subjects.findFirst();
      expect(subjects).toBeInstanceOf(Subject);
      const sessions = project.sessions.iterFind();
      let n = 0;
      for await (const s of sessions) {
        expect(s).toBeInstanceOf(Session);
        n++;
      }
      expect(n).toBe(5);

      // fw.subjects.find_first(“label=’My Subject’”): typographic quotes on the page; the filter
      // syntax quotes strings with double quotes.
      await project.addSubject({ label: 'My Subject' });
      const mine = await fw.subjects.findFirst('label="My Subject"');
      expect(mine!.label).toBe('My Subject');
      expect(await fw.subjects.findFirst('label="No Such Subject"')).toBeNull();
      await fw.deleteSubject(mine!.id);
    });

    it('find vs iter_find over subjects created after a date', async () => {
      const project = await fw.getProject(cmrr.id);
      const slow: string[] = [];
      const subjects = await project.subjects.find('created>2019-09-09');
      for (const sub of subjects) slow.push(sub.label!);
      const fast: string[] = [];
      for await (const sub of project.subjects.iterFind('created>2019-09-09'))
        fast.push(sub.label!);
      expect(fast.sort()).toEqual(slow.sort());
      expect(fast).toHaveLength(4);
      let n = 0;
      for await (const _ of project.sessions.iterFind()) n++;
      expect(n).toBe(5);
    });

    describe('Queries', () => {
      beforeAll(async () => {
        // project "Sample": session ages in the unit the guide's query compares with (≤ 64),
        // files classified as T1 or T2, and a de-identification flag in the file info.
        const sample = await scien.addProject({ label: 'Sample' });
        const cases: [string, number, string, string][] = [
          ['match', 30, 'T1', 'YES'],
          ['too-old', 70, 'T1', 'YES'],
          ['t2', 30, 'T2', 'YES'],
          ['identified', 30, 'T1', 'NO'],
        ];
        for (const [label, age, measurement, removed] of cases) {
          const sub = await sample.addSubject({ label: `sub-${label}` });
          const ses = await sub.addSession({ label: `ses-${label}`, age });
          const acq = await ses.addAcquisition({ label: `acq-${label}` });
          await acq.uploadFile(new FileSpec(`${label}.nii.gz`, 'x'), {
            metadata: {
              modality: 'MR',
              classification: { Measurement: [measurement] },
              info: { PatientIdentityRemoved: removed },
            },
          });
        }
        // "Test Project" with two subjects; one has an acquisition labelled multi_echo.
        const testProject = await scien.addProject({ label: 'Test Project' });
        for (const [sl, al] of [
          ['tp-1', 'multi_echo'],
          ['tp-2', 'T1w'],
        ] as const) {
          const sub = await testProject.addSubject({ label: sl, code: sl });
          const ses = await sub.addSession({ label: `${sl}-ses` });
          await ses.addAcquisition({ label: al });
        }
      });

      it('age range + project + classification + info → acquisitions', async () => {
        const age = 64;
        const query =
          `session.age >= 0 AND session.age <= ${age} AND ` +
          `project.label = Sample AND ` +
          `file.classification.Measurement = T1 AND ` +
          `file.info.PatientIdentityRemoved = YES`;
        const results = hits(
          await fw.search({ structured_query: query, return_type: 'acquisition' }, { size: 10000 }),
        );
        expect(results.map((r) => r.acquisition?.label)).toEqual(['acq-match']);
        expect(results[0]!.return_type).toBe('acquisition');
      });

      it('project.label = "Test Project" → subjects', async () => {
        const query = 'project.label = "Test Project"';
        const results = hits(
          await fw.search({ structured_query: query, return_type: 'subject' }, { size: 10000 }),
        );
        expect(results.map((r) => r.subject?.code).sort()).toEqual(['tp-1', 'tp-2']);
      });

      it('acquisition.label = multi_echo → subjects', async () => {
        const query = 'acquisition.label = multi_echo';
        const results = hits(
          await fw.search({ structured_query: query, return_type: 'subject' }, { size: 10000 }),
        );
        expect(results).toHaveLength(1);
        expect(results[0]!.subject?.code).toBe('tp-1');
      });
    });

    it('View All Groups', async () => {
      const allGroups = await fw.groups();
      const lines = ['Flywheel Groups:'];
      for (const group of allGroups) lines.push(`${group.id}: ${group.label}`);
      expect(lines).toContain('scien: Scientific Computing');
    });

    it('Find a Specific Group: get, lookup, groups.find', async () => {
      const groupName = 'scien';
      let group: Group | Group[] = (await fw.get(groupName)) as Group;
      expect(group).toBeInstanceOf(Group);
      expect(group.id).toBe('scien');
      group = await fw.lookup<Group>(groupName);
      expect(group).toBeInstanceOf(Group);
      expect(group.label).toBe('Scientific Computing');
      // The page filters on `group_id`, which it never defines: it means `group_name`.
      group = await fw.groups.find(`_id=${groupName}`);
      expect(group.map((g) => g.id)).toEqual(['scien']);
    });

    it('View All Projects', async () => {
      const projects = await fw.projects();
      expect(labels(projects)).toEqual(
        ['Sample', 'Test Project', 'checkerboard_study', 'cmrr_deid'].sort(),
      );
    });

    it('View All Projects In a Group: by group id, and group.projects()', async () => {
      const groupId = 'scien';
      const projectsInGroup = await fw.projects.find(`group=${groupId}`);
      expect(projectsInGroup).toHaveLength(4);
      const group = (await fw.get(groupId)) as Group;
      const viaGroup = await group.projects();
      expect(labels(viaGroup)).toEqual(labels(projectsInGroup));
    });

    it('View One Specific Project: find, find_first, find_one, lookup', async () => {
      const groupId = 'scien';
      const projectLabel = 'cmrr_deid';
      const a = await fw.projects.find(`group=${groupId},label=${projectLabel}`);
      const b = await fw.projects.findFirst(`group=${groupId},label=${projectLabel}`);
      const c = await fw.projects.findOne(`group=${groupId},label=${projectLabel}`);
      const d = await fw.lookup<Project>(`${groupId}/${projectLabel}`);
      expect(a.map((p) => p.id)).toEqual([cmrr.id]);
      expect([b!.id, c.id, d.id]).toEqual([cmrr.id, cmrr.id, cmrr.id]);
      expect(d).toBeInstanceOf(Project);
    });

    it("Using a Group's Project Finder", async () => {
      const groupId = 'scien';
      const group = (await fw.get(groupId)) as Group;
      const projectLabel = 'cmrr_deid';
      // The page leaves these three f-strings unterminated.
      const a = await group.projects.find(`label=${projectLabel}`);
      const b = await group.projects.findFirst(`label=${projectLabel}`);
      const c = await group.projects.findOne(`label=${projectLabel}`);
      expect([a[0]!.id, b!.id, c.id]).toEqual([cmrr.id, cmrr.id, cmrr.id]);
      expect(a).toHaveLength(1);
    });

    it("Get a Project's Flywheel ID, then fw.get(project_id)", async () => {
      const groupId = 'scien';
      const projectLabel = 'cmrr_deid';
      const oneProject = await fw.lookup(`${groupId}/${projectLabel}`);
      const projectId = oneProject.id;
      expect(projectId).toMatch(/^[0-9a-f]{24}$/);
      const project = await fw.get(projectId);
      expect(project).toBeInstanceOf(Project);
      expect((project as Project).label).toBe('cmrr_deid');
    });

    it('Finding All Subjects in a Project: the list and the iterator', async () => {
      const projectId = cmrr.id;
      const project = (await fw.get(projectId)) as Project;
      const subjectsInProject = await project.subjects();
      expect(`${subjectsInProject.length} Subjects found`).toBe('4 Subjects found');

      // Python prints len() of the iterator, which an iterator does not have; count while looping.
      const iterator = project.subjects.iter();
      const seen: string[] = [];
      for await (const subject of iterator) seen.push(subject.label!);
      expect(seen.sort()).toEqual(labels(subjectsInProject));
    });

    it('subjects that meet filter criteria: age<30,sex=male and info.custom_info_field', async () => {
      const project = (await fw.get(cmrr.id)) as Project;
      let subjectsInProject = await project.subjects.find('age<30,sex=male');
      expect(labels(subjectsInProject)).toEqual(['young-male']);
      subjectsInProject = await project.subjects.find('info.custom_info_field=desired_value');
      expect(labels(subjectsInProject)).toEqual(['ExampleSubject']);
    });

    it('View one subject in a Project, by label', async () => {
      const project = (await fw.get(cmrr.id)) as Project;
      const subjectLabel = 'ExampleSubject';
      const subjectInProject = await project.subjects.find(`label=${subjectLabel}`);
      expect(subjectInProject.map((s) => s.label)).toEqual(['ExampleSubject']);
    });

    it('View All Sessions in a Project: list and iterator', async () => {
      const project = (await fw.get(cmrr.id)) as Project;
      const sessionsInProject = await project.sessions();
      expect(sessionsInProject).toHaveLength(5);
      const it: string[] = [];
      for await (const session of project.sessions.iter()) it.push(session.label!);
      expect(it.sort()).toEqual(labels(sessionsInProject));
    });

    it('View all Sessions for one Subject', async () => {
      const subject = (await fw.get(youngMale.id)) as Subject;
      const subjectSessions = await subject.sessions();
      expect(labels(subjectSessions)).toEqual(['Resting-baseline', 'Resting-followup']);
    });

    it('sessions with a key in the label: exact, =~.*baseline, =~resting.*', async () => {
      const project = (await fw.get(cmrr.id)) as Project;
      let sessions = await project.sessions.find('label=baseline');
      expect(`${sessions.length} Sessions Found:`).toBe('1 Sessions Found:');
      sessions = await project.sessions.find('label=~.*baseline');
      expect(labels(sessions)).toEqual(['Resting-baseline', 'baseline', 'resting-baseline']);
      // Regular expressions are case-sensitive (as on Flywheel, where they are MongoDB regexes)…
      sessions = await project.sessions.find('label=~resting.*');
      expect(labels(sessions)).toEqual(['resting-baseline', 'resting-followup']);
      // …and a leading (?i) makes them case-insensitive.
      sessions = await project.sessions.find('label=~(?i)resting.*');
      expect(sessions).toHaveLength(4);
    });

    it("Getting One Session from a Subject's Session Finder", async () => {
      const subjectId = youngMale.id;
      const sesLabel = 'Resting-baseline';
      const subject = (await fw.get(subjectId)) as Subject;
      const session = await subject.sessions.find(`label=${sesLabel}`);
      expect(session.map((s) => s.id)).toEqual([restingBaseline.id]);
    });

    it('View All Acquisitions in a Session', async () => {
      const session = (await fw.get(restingBaseline.id)) as Session;
      const acquisitions = await session.acquisitions();
      expect(`${acquisitions.length} acquisitions Found:`).toBe('3 acquisitions Found:');
    });

    it("Using a Session's Acquisition Finder with a regex", async () => {
      const session = (await fw.get(restingBaseline.id)) as Session;
      const acquisitions = await session.acquisitions.find('label=~.*resting.*');
      expect(labels(acquisitions)).toEqual(['resting_state_fMRI']);
    });

    it("Using the Client's Acquisition Finder with parents.project", async () => {
      const project = await fw.projects.findOne('label=checkerboard_study');
      const acquisitionLabel = 'BOLD_task_checkerboard';
      // The page closes this f-string with the wrong quote.
      const acquisitions = await fw.acquisitions.find(
        `parents.project=${project.id},label=${acquisitionLabel}`,
      );
      expect(acquisitions.map((a) => a.id).sort()).toEqual([...checkerAcqIds].sort());
    });

    it('View All Files in an Acquisition; one file by name; files of a type', async () => {
      const session = (await fw.get(restingBaseline.id)) as Session;
      const acquisition = await session.acquisitions.findOne('label=rfMRI_REST_AP_Run1');
      const names: string[] = [];
      for (const acqFile of acquisition.files!) names.push(acqFile.name);
      expect(names.sort()).toEqual(['rfMRI_REST_AP_12.dicom.zip', 'rfMRI_REST_AP_12.nii.gz']);

      const fileName = 'rfMRI_REST_AP_12.nii.gz';
      const asList = acquisition.files!.filter((f) => f.name === fileName);
      expect(asList).toHaveLength(1);
      const file = acquisition.files!.filter((f) => f.name === fileName)[0]!;
      expect(file).toBeInstanceOf(FileEntry);
      expect(file.size).toBe('nifti bytes'.length);

      const filetype = 'nifti';
      const niftiFiles = acquisition.files!.filter((f) => f.type === filetype);
      expect(niftiFiles.map((f) => f.name)).toEqual(['rfMRI_REST_AP_12.nii.gz']);
      expect(acquisition.files!.find((f) => f.type === 'dicom')!.name).toBe(
        'rfMRI_REST_AP_12.dicom.zip',
      );
    });

    it('Container Parents', async () => {
      const acq = (await fw.get(restAcq.id)) as Acquisition;
      expect(acq.parents).toMatchObject({
        group: 'scien',
        project: cmrr.id,
        subject: youngMale.id,
        session: restingBaseline.id,
      });
      const project = (await fw.get(cmrr.id)) as Project;
      expect(project.parents?.group).toBe('scien');
      // v21 types a project's parents as { group } alone; nothing below it is set.
      const parents = project.parents as Record<string, unknown> | undefined;
      for (const level of ['subject', 'session', 'acquisition', 'analysis'] as const) {
        expect(parents?.[level] ?? null).toBeNull();
      }
    });
  });

  describe('Creating Objects', () => {
    it('add group, project, subject, session, acquisition', async () => {
      const groupId = await fw.addGroup({ _id: 'my_group', label: 'My Test Group' });
      expect(groupId).toBe('my_group');
      const group = (await fw.get(groupId)) as Group;
      const project = await group.addProject({ label: 'My Test Project' });
      expect(project).toBeInstanceOf(Project);
      expect(project.group).toBe('my_group');
      const subject = await project.addSubject({ label: 'Subject 01' });
      expect(subject.label).toBe('Subject 01');
      const session = await subject.addSession({ label: 'Session 01' });
      expect(session.parents).toMatchObject({ subject: subject.id, project: project.id });
      const acquisition = await session.addAcquisition({ label: 'Localizer' });
      expect(acquisition.label).toBe('Localizer');
      expect((await session.acquisitions()).map((a) => a.id)).toEqual([acquisition.id]);
    });
  });

  describe('Setting Object Metadata', () => {
    // Finders answer the list form of a session (v21 SessionListOutput).
    let ses: SessionListOutput;
    beforeAll(async () => {
      const group = (await fw.get('my_group')) as Group;
      const project = await group.projects.findOne('label=My Test Project');
      ses = await project.sessions.findOne('label=Session 01');
    });

    it("update({'label': 'new_label'})", async () => {
      const acq = await ses.addAcquisition({ label: 'old_label' });
      await acq.update({ label: 'new_label' });
      expect(acq.label).toBe('old_label');
      expect((await acq.reload()).label).toBe('new_label');
    });

    it('acquisition timestamp from a time-zoned Date', async () => {
      // session = fw.get_session(...); the page then calls add_acquisition on `ses`.
      const session = await fw.getSession(ses.id);
      const acq = await session.addAcquisition({ label: 'MyNewAcquisition' });
      // datetime(2020, 1, 1, 4, 30, tzinfo=pytz.utc): a JS Date is an instant, so UTC is explicit.
      const acqTime = new Date(Date.UTC(2020, 0, 1, 4, 30));
      await acq.update({ timestamp: acqTime });
      const fresh = await acq.reload();
      expect(fresh.timestamp).toEqual(acqTime);
      expect(fresh.timestamp!.toISOString()).toBe('2020-01-01T04:30:00.000Z');
    });

    it('acquisition timestamp from a Temporal ZonedDateTime or Instant (any zone)', async () => {
      const acq = await ses.addAcquisition({ label: 'TemporalAcquisition' });
      const acqTime = Temporal.ZonedDateTime.from({
        year: 2020,
        month: 1,
        day: 1,
        hour: 4,
        minute: 30,
        timeZone: 'America/New_York',
      });
      await acq.update({ timestamp: acqTime });
      let fresh = await acq.reload();
      expect(fresh.timestamp!.toISOString()).toBe('2020-01-01T09:30:00.000Z');

      await acq.update({ timestamp: Temporal.Instant.from('2021-06-01T12:00:00Z') });
      fresh = await acq.reload();
      expect(fresh.timestamp!.toISOString()).toBe('2021-06-01T12:00:00.000Z');
    });
  });

  describe('Containers: tags, notes, info, files, classification, timestamps, age', () => {
    let acquisitionId: string;
    let sessionId: string;

    beforeAll(async () => {
      const s = await youngMale.addSession({
        label: 'features',
        age: yearsToSeconds(30),
        timestamp: new Date('2020-01-01T04:30:00Z'),
        timezone: 'Asia/Tokyo',
      });
      sessionId = s.id;
      const a = await s.addAcquisition({
        label: 'features-acq',
        timestamp: new Date('2020-01-01T04:30:00Z'),
        timezone: 'America/Chicago',
      });
      acquisitionId = a.id;
    });

    it('Tags', async () => {
      let session = (await fw.get(sessionId)) as Session;
      expect(session.tags!.join(', ')).toBe('');
      // The page's "add a tag" line is missing; the delete below names the tag it added.
      await session.addTag('Analysis Required');
      await session.addTag('QC');
      session = await session.reload();
      expect(session.tags!.join(', ')).toBe('Analysis Required, QC');
      await session.deleteTag('Analysis Required');
      expect((await session.reload()).tags).toEqual(['QC']);
    });

    it('Notes', async () => {
      const session = (await fw.get(sessionId)) as Session;
      expect(session.notes).toEqual([]);
      await session.addNote('This is a note');
      const notes = (await session.reload()).notes!;
      expect(notes.map((n) => n.text)).toEqual(['This is a note']);
      // The page's "delete a note" line is missing: delete it by its id.
      await session.deleteNote(notes[0]!._id!);
      expect((await session.reload()).notes).toEqual([]);
    });

    it('Info', async () => {
      const acquisition = (await fw.get(acquisitionId)) as Acquisition;
      expect(acquisition.info).toEqual({});
      await acquisition.replaceInfo({ splines: 34 });
      await acquisition.updateInfo({ curve: 'bezier' });
      expect((await acquisition.reload()).info).toEqual({ splines: 34, curve: 'bezier' });
      // The page's delete line is missing: remove one field.
      await acquisition.deleteInfo('splines');
      expect((await acquisition.reload()).info).toEqual({ curve: 'bezier' });
    });

    it('Files: list, upload, download, file info', async () => {
      let acquisition = (await fw.get(acquisitionId)) as Acquisition;
      expect(acquisition.files!.map((f) => `Name: ${f.name}, type: ${f.type}`)).toEqual([]);
      // Upload a file to an acquisition (line missing on the page)
      const src = join(tmp, 'file.txt');
      writeFileSync(src, 'one two three\n');
      await acquisition.uploadFile(src);
      acquisition = await acquisition.reload();
      expect(acquisition.files!.map((f) => `Name: ${f.name}, type: ${f.type}`)).toEqual([
        'Name: file.txt, type: text',
      ]);
      const dest = join(tmp, 'downloaded-file.txt');
      await acquisition.downloadFile('file.txt', dest);
      expect(readFileSync(dest, 'utf8')).toBe('one two three\n');

      await acquisition.replaceFileInfo('file.txt', { wordCount: 327 });
      // getFile looks in the object's own file list, so reload first
      expect((await acquisition.getFile('file.txt'))!.info).toEqual({});
      expect((await (await acquisition.reload()).getFile('file.txt'))!.info).toEqual({
        wordCount: 327,
      });
    });

    it('File Classification: get_modality, replace, update, delete', async () => {
      const acquisition = (await fw.get(acquisitionId)) as Acquisition;
      const mr = await fw.getModality('MR');
      expect(mr._id).toBe('MR');
      expect(Object.keys(mr.classification ?? {})).toEqual(
        expect.arrayContaining(['Intent', 'Measurement', 'Features']),
      );

      await acquisition.replaceFileClassification(
        'file.txt',
        { Intent: ['Structural'], Measurement: ['T2'] },
        { modality: 'MR' },
      );
      let f = (await (await acquisition.reload()).getFile('file.txt'))!;
      expect(f.modality).toBe('MR');
      expect(f.classification).toEqual({ Intent: ['Structural'], Measurement: ['T2'] });

      // The page leaves the next two dicts unclosed.
      await acquisition.updateFileClassification('file.txt', { Custom: ['value1', 'value2'] });
      f = (await (await acquisition.reload()).getFile('file.txt'))!;
      expect(f.modality).toBe('MR');
      expect(f.classification).toEqual({
        Intent: ['Structural'],
        Measurement: ['T2'],
        Custom: ['value1', 'value2'],
      });

      await acquisition.deleteFileClassification('file.txt', { Custom: ['value1'] });
      f = (await (await acquisition.reload()).getFile('file.txt'))!;
      expect(f.classification).toEqual({
        Intent: ['Structural'],
        Measurement: ['T2'],
        Custom: ['value2'],
      });
    });

    it('Timestamps: UTC, local, original zone', async () => {
      const acquisition = (await fw.get(acquisitionId)) as Acquisition;
      // Acquisition Timestamp (tz=UTC)
      expect(acquisition.timestamp!.toISOString()).toBe('2020-01-01T04:30:00.000Z');
      // (tz=Local Timezone)
      const local = acquisition.localTimestamp!;
      expect(local.epochMilliseconds).toBe(Date.UTC(2020, 0, 1, 4, 30));
      expect(local.timeZoneId).toBe(Temporal.Now.timeZoneId());
      // (tz=Original Timezone)
      const original = acquisition.originalTimestamp!;
      expect(original.timeZoneId).toBe('America/Chicago');
      expect(original.toPlainDateTime().toString()).toBe('2019-12-31T22:30:00');

      const session = (await fw.get(sessionId)) as Session;
      expect(session.originalTimestamp!.toPlainDateTime().toString()).toBe('2020-01-01T13:30:00');
    });

    it('Age at Time of Session', async () => {
      const session = (await fw.get(sessionId)) as Session;
      expect(session.age).toBe(30 * 31557600);
      expect(session.ageYears).toBe(30);
    });
  });

  describe('Modifying Metadata On Existing Objects', () => {
    it('subject.update(sex=..., info=...) changes those, keeps the rest', async () => {
      const subject = await cmrr.addSubject({
        label: 'to-update',
        sex: 'female',
        firstname: 'Kept',
        info: { existing: 1 },
      });
      await subject.update({ sex: 'male', info: { key1: 'val1' } });
      const fresh = await subject.reload();
      expect(fresh.sex).toBe('male');
      expect(fresh.firstname).toBe('Kept');
      expect(fresh.info).toEqual({ existing: 1, key1: 'val1' });
      await fw.deleteSubject(subject.id);
    });

    it('session.update_info ≡ session.update(info=...)', async () => {
      const a = await youngMale.addSession({ label: 'update-info-a', info: { keep: true } });
      const b = await youngMale.addSession({ label: 'update-info-b', info: { keep: true } });
      await a.updateInfo({ hair: 'black', group: 'control', IQ: 107 });
      await b.update({ info: { hair: 'black', group: 'control', IQ: 107 } });
      const expected = { keep: true, hair: 'black', group: 'control', IQ: 107 };
      expect((await a.reload()).info).toEqual(expected);
      expect((await b.reload()).info).toEqual(expected);
      await fw.deleteSession(a.id);
      await fw.deleteSession(b.id);
    });

    it('replace_info leaves only the given keys', async () => {
      const acquisition = (await fw.get(restAcq.id)) as Acquisition;
      await acquisition.updateInfo({ old: 'value' });
      await acquisition.replaceInfo({ key1: 'val1' });
      expect((await acquisition.reload()).info).toEqual({ key1: 'val1' });
    });
  });

  describe('Permissions and roles', () => {
    it('set permissions for a list of users across every project of a group', async () => {
      // The page's user table is empty; two users with different access levels.
      // v21: project permissions are role based ({ _id, role_ids }); the roles are the site's
      // default read-only and read-write roles (getAllRoles + default_flywheel_role).
      const roleId = async (access: 'ro' | 'rw') =>
        (await fw.getAllRoles()).find((role) => role.default_flywheel_role === access)!.id;
      const table = [
        ['reader@example.org', await roleId('ro')],
        ['writer@example.org', await roleId('rw')],
      ] as const;
      const users: [string, string][] = [];
      for (const [id, role] of table) {
        const user = await ctx.server.createUser({ id, firstname: 'A', lastname: 'B' });
        users.push([user.id, role]);
      }
      const group = (await fw.get('scien')) as Group;
      for (const project of await group.projects()) {
        for (const [userId, role] of users) {
          await project.addPermission({ _id: userId, role_ids: [role] });
        }
      }
      const projects = await group.projects();
      expect(projects).toHaveLength(4);
      for (const project of projects) {
        const perms = (await project.reload()).permissions!;
        expect(perms).toContainEqual({ _id: 'reader@example.org', role_ids: [table[0][1]] });
        expect(perms).toContainEqual({ _id: 'writer@example.org', role_ids: [table[1][1]] });
      }
      const reader = new Client((await ctx.server.createUser({ id: 'x@example.org' })).apiKey);
      await expect(reader.getProject(cmrr.id)).rejects.toMatchObject({ status: 403 });
    });

    it('Setting Group Permissions', async () => {
      const myGroup = (await fw.get('my_group')) as Group;
      const accessType = 'rw';
      // The page leaves the user id's string unterminated.
      const userId = 'example@user.com';
      await ctx.server.createUser({ id: userId });
      await myGroup.addPermission({ access: accessType, _id: userId });
      expect((await myGroup.reload()).permissions).toContainEqual({ _id: userId, access: 'rw' });
    });

    it('Group Roles: default roles added to a group', async () => {
      const myGroup = (await fw.get('my_group')) as Group;
      const pick = async (access: string) =>
        (await fw.getAllRoles())
          .filter((role) => role.default_flywheel_role === access)
          .map((role) => role.id)
          .pop()!;
      const adminId = await pick('admin');
      const rwId = await pick('rw');
      const roId = await pick('ro');
      for (const r of await fw.getAllRoles()) expect(r).toBeInstanceOf(Role);

      await fw.addRoleToGroup(myGroup.id, { _id: adminId });
      await fw.addRoleToGroup(myGroup.id, { _id: rwId });
      await fw.addRoleToGroup(myGroup.id, { _id: roId });
      // v21: a group's roles are RoleOutput documents (Role objects).
      const assigned = await fw.getAllGroupRoles(myGroup.id);
      expect(assigned.every((r) => r instanceof Role)).toBe(true);
      expect(assigned.map((r) => r._id).sort()).toEqual([adminId, rwId, roId].sort());
    });
  });

  describe('Walkthrough: group → project → subject → session → acquisition → files', () => {
    let myGroup: Group;
    let project: Project;
    let subject: Subject;
    let session: Session;
    let acquisition: Acquisition;

    it('my_group = fw.get(group id), or a new group from flywheel.Group(id, label)', async () => {
      myGroup = (await fw.get('scien')) as Group;
      expect(myGroup.id).toBe('scien');
      const myGroupId = await fw.addGroup({ _id: 'my_id', label: 'My Label' });
      expect(typeof myGroupId).toBe('string');
      myGroup = (await fw.get(myGroupId)) as Group;
      expect([myGroup.id, myGroup.label]).toEqual(['my_id', 'My Label']);
    });

    it('Create a new Project (after listing existing ones)', async () => {
      // The page assigns `project` and then loops over `projects`: it means one list.
      const projects = await myGroup.projects();
      const lines = [`GROUP${''.padEnd(10)} PROJECT`];
      for (const project of projects) lines.push(`${project.group!.padEnd(15)} ${project.label}`);
      expect(lines).toHaveLength(1);

      const newProjectLabel = 'My New Project';
      // `group` there is the `my_group` of the previous step.
      project = await myGroup.addProject({ label: newProjectLabel });
      expect(project.label).toBe('My New Project');
      expect(project.group).toBe('my_id');
    });

    it('Add a Subject with metadata', async () => {
      // The page leaves the dict unclosed. The annotation keeps `sex` checked against the spec's
      // allowed values (an unannotated object literal would widen it to string).
      const metadata: NewContainerFields<'subject'> = {
        label: 'Subject2',
        firstname: 'Lisa',
        lastname: 'Simpson',
        sex: 'female',
      };
      subject = await project.addSubject(metadata);
      expect([subject.label, subject.firstname, subject.lastname, subject.sex]).toEqual([
        'Subject2',
        'Lisa',
        'Simpson',
        'female',
      ]);
    });

    it('Add a Session with metadata', async () => {
      const metadata = {
        label: 'Session1',
        age: 20 * 365 * 24 * 60 * 60, // age in seconds at the time of the scan
        weight: 140,
      };
      session = await subject.addSession(metadata);
      expect(session.age).toBe(630720000);
      expect(session.weight).toBe(140);
      expect(session.ageYears).toBeCloseTo(19.986, 3);
    });

    it('Add an Acquisition and set its timestamp', async () => {
      // Both snippets are missing from the page: a T1 acquisition with a zoned timestamp.
      acquisition = await session.addAcquisition({ label: 'T1' });
      await acquisition.update({
        timestamp: new Date('2020-01-01T04:30:00-05:00'),
        timezone: 'America/New_York',
      });
      acquisition = await acquisition.reload();
      expect(acquisition.originalTimestamp!.toString()).toBe(
        '2020-01-01T04:30:00-05:00[America/New_York]',
      );
    });

    it('Upload a file to an Acquisition, and download it', async () => {
      const filePath = join(tmp, 'T1_Image.nii.gz');
      writeFileSync(filePath, 'not really gzip');
      const [flywheelFile] = (await acquisition.uploadFile(filePath)) as [FileEntry];
      expect(flywheelFile).toBeInstanceOf(FileEntry);
      expect(flywheelFile.name).toBe('T1_Image.nii.gz');
      expect(flywheelFile.type).toBe('nifti');
      // "In turn, we can download this file as follows:" (line missing)
      const out = join(tmp, 'T1_download.nii.gz');
      await acquisition.downloadFile('T1_Image.nii.gz', out);
      expect(readFileSync(out, 'utf8')).toBe('not really gzip');
    });

    it('Setting file Metadata from a JSON file', async () => {
      const jsonPath = join(tmp, 'file_info.json');
      writeFileSync(jsonPath, JSON.stringify({ EchoTime: 0.003, SeriesDescription: 'T1w' }));
      const metadata = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
      // The line that applies it is missing on the page.
      await acquisition.updateFileInfo('T1_Image.nii.gz', metadata);
      const f = (await (await acquisition.reload()).getFile('T1_Image.nii.gz'))!;
      expect(f.info).toEqual({ EchoTime: 0.003, SeriesDescription: 'T1w' });
    });

    it('upload_file_to_container(id, file, metadata=json.dumps(md))', async () => {
      const container = await fw.subjects.findFirst();
      const containerId = container!.id;
      const md = { info: { 'hair color': 'brown', 'motion level': 'low' } };
      const file = join(tmp, 'file.nii.gz');
      writeFileSync(file, 'subject attachment');
      const uploaded = await fw.uploadFileToContainer(containerId, file, {
        metadata: JSON.stringify(md),
      });
      // v21 types the answer as the files or an upload ticket; this site answers the files.
      expect(Array.isArray(uploaded) && uploaded.map((f) => f.name)).toEqual(['file.nii.gz']);
      const fresh = (await fw.get(containerId)) as Subject;
      const entry = (await fresh.getFile('file.nii.gz'))!;
      expect(entry.info).toEqual({ 'hair color': 'brown', 'motion level': 'low' });
      expect(new TextDecoder().decode(await entry.read())).toBe('subject attachment');
    });

    it('Uploading many files to an Acquisition (a loop)', async () => {
      for (const n of [1, 2, 3]) {
        await acquisition.uploadFile(new FileSpec(`many_${n}.txt`, `file ${n}`));
      }
      const names = (await acquisition.reload()).files!.map((f) => f.name).sort();
      expect(names).toEqual(['T1_Image.nii.gz', 'many_1.txt', 'many_2.txt', 'many_3.txt']);
    });

    it('Downloading Data: download_tar and files[0].download', async () => {
      const dest = join(tmp, 'acquisition.tar');
      await fw.downloadTar([acquisition], dest);
      const tar = readFileSync(dest);
      // a tar member header holds the path; the acquisition's files are in it
      const text = tar.toString('latin1');
      for (const n of ['T1_Image.nii.gz', 'many_1.txt', 'many_3.txt']) expect(text).toContain(n);
      expect(tar.length % 512).toBe(0);

      await session.uploadFile(new FileSpec('session-notes.txt', 'session attachment'));
      session = await session.reload();
      const files = session.files!;
      const fileToDownload = files[0]!;
      const downloadLocation = join(tmp, fileToDownload.name);
      await fileToDownload.download(downloadLocation);
      expect(readFileSync(downloadLocation, 'utf8')).toBe('session attachment');
    });
  });
});

describe('getting started, forms not in getting-started.test.ts', () => {
  const ctx = useServer();
  let fw: Client;
  let project: Project;
  let acquisition: Acquisition;

  beforeAll(async () => {
    fw = new Client(ctx.server.apiKey);
    await fw.addGroup({ _id: 'flywheel', label: 'Flywheel' });
    project = await ((await fw.get('flywheel')) as Group).addProject({ label: 'Anxiety Study' });
    const subject = await project.addSubject({ label: 'sub-01' });
    const session = await subject.addSession({ label: 'ses-01' });
    acquisition = await session.addAcquisition({ label: 'archive' });
  });

  it('resolve: print label and id of the path and of the children', async () => {
    const result = await fw.resolve('flywheel/Anxiety Study');
    const lines = result.path.map((el) => `${(el as { label?: string }).label}: ${el.id}`);
    expect(lines).toEqual(['Flywheel: flywheel', `Anxiety Study: ${project.id}`]);
    const children = result.children.map((el) => `${(el as { label?: string }).label}: ${el.id}`);
    expect(children).toHaveLength(1);
    expect(children[0]).toMatch(/^sub-01: [0-9a-f]{24}$/);
  });

  it('update(**kwargs) form and update(dict) form both take one object', async () => {
    const subject = (await project.subjects.findFirst())!;
    await subject.update({ type: 'human', sex: 'female' });
    const fresh = await subject.reload();
    expect([fresh.type, fresh.sex]).toEqual(['human', 'female']);
  });

  it('all_projects = fw.projects(); find_first with a trailing semicolon', async () => {
    const allProjects = await fw.projects();
    expect(allProjects.map((p) => p.label)).toEqual(['Anxiety Study']);
    const p = await fw.projects.findFirst('label=Anxiety Study');
    expect(p!.id).toBe(project.id);
  });

  it('iterate over failed jobs (one failed job present)', async () => {
    // The page's loop lost its receiver: `for job in fw.jobs.iter_find('state=failed')`.
    const gearId = await fw.addGear('failing-gear', {
      category: 'utility',
      exchange: {
        'git-commit': 'local',
        'rootfs-hash': 'sha384:0',
        'rootfs-url': 'docker://local',
      },
      gear: {
        name: 'failing-gear',
        label: 'Failing',
        version: '1.0.0',
        author: 'Flywheel',
        description: 'Fails',
        license: 'MIT',
        inputs: {},
        config: {},
      },
    });
    const gear = await fw.getGear(gearId!);
    const { id: jobId } = await gear.run({ destination: acquisition });
    await fw.changeJobState(jobId, 'running');
    await fw.changeJobState(jobId, 'failed');
    const lines: string[] = [];
    for await (const job of fw.jobs.iterFind('state=failed')) {
      lines.push(`Job: ${job.id}, Gear: ${job.gear_info?.name}`);
    }
    expect(lines).toEqual([`Job: ${jobId}, Gear: failing-gear`]);
  });

  it('zip_info.members[0].path, member download, member read', async () => {
    await acquisition.uploadFile(
      new FileSpec(
        'my-archive.zip',
        await makeZip({ 'first.txt': 'first!', 'readme.txt': 'Read me!' }),
      ),
    );
    const zipInfo = await acquisition.getFileZipInfo('my-archive.zip');
    expect(zipInfo.members!.map((m) => m.path)).toEqual(['first.txt', 'readme.txt']);
    const entryName = zipInfo.members![0]!.path!;
    const outPath = join(mkdtempSync(join(tmpdir(), 'fw-gs-zip-')), entryName);
    await acquisition.downloadFileZipMember('my-archive.zip', entryName, outPath);
    expect(readFileSync(outPath, 'utf8')).toBe('first!');
    const zipData = await acquisition.readFileZipMember('my-archive.zip', 'readme.txt');
    expect(new TextDecoder().decode(zipData)).toBe('Read me!');
  });

  it('ApiException carries status 404 and, as v21 does, the JSON message as reason', async () => {
    let caught: unknown;
    try {
      await fw.getProject('NON_EXISTENT_ID');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ApiException);
    const e = caught as ApiException;
    expect(`API Error: ${e.status} -- ${e.reason}`).toBe(
      'API Error: 404 -- project NON_EXISTENT_ID not found',
    );
    expect(e.statusText).toBe('Not Found');
    expect(caught).toBeInstanceOf(NotFoundError);
  });
});
