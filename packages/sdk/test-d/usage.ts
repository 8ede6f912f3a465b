/**
 * Type-level tests: typical SDK usage must compile, misuse must not (`@ts-expect-error` fails the
 * typecheck if the line below it compiles). Compiled by `pnpm typecheck`, never run.
 */
import {
  Acquisition,
  type AcquisitionListOutput,
  type Analysis,
  type AnalysisListOutput,
  ApiError,
  ApiException,
  Client as NeutralClient,
  FileEntry,
  FileSpec,
  Finder,
  Group,
  Project,
  type ProjectListOutput,
  Session,
  type SessionListOutput,
  Subject,
  type SubjectOutputForList,
  type Container,
  type Job,
  type JobListOutput,
  type RolePermissionOutput,
  type AccessPermissionOutput,
} from '../src/index.js';
import { Client } from '../src/node.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

async function usage(): Promise<void> {
  const fw = new Client('host:443:key');
  const fwNeutral = new NeutralClient('host:key', {
    timeoutMs: 1000,
    maxRetries: 0,
    fetch: (r) => fetch(r),
  });
  new Client(); // CLI credentials on Node
  // @ts-expect-error options must be an object
  new Client('k', 5);

  // users
  const me = await fw.getCurrentUser();
  const first: string | undefined = me.firstname;

  // get / lookup / resolve
  const c: Container = await fw.get('5bed87475b0ab53e50d03e0c');
  if (c instanceof Project) {
    const label: string | undefined = c.label;
  }
  const found = await fw.lookup('flywheel/Anxiety Study');
  const typedLookup: Project = await fw.lookup<Project>('flywheel/Anxiety Study');
  await typedLookup.update({ label: 'x' });
  const typedGet: Session = await fw.get<Session>('id');
  // @ts-expect-error get() yields containers, not files
  await fw.get<FileEntry>('id');
  const result = await fw.resolve(['flywheel', 'Anxiety Study']);
  const path0 = result.path[0];
  const children = result.children.length;

  // typed getters return objects with dates as Date
  const project: Project = await fw.getProject('id');
  const created: Date | undefined = project.created;
  const id: string = project.id;
  const wireId: string = project._id;
  // @ts-expect-error getProject needs an id
  await fw.getProject();
  // @ts-expect-error ids are strings
  await fw.getProject(42);

  // create calls return the id
  const gid: string = await fw.addGroup({ _id: 'my_group', label: 'My Test Group' });
  // @ts-expect-error a group body needs its _id
  await fw.addGroup({ label: 'x' });
  const pid: string = await fw.addProject({ group: gid, label: 'P' });

  // update takes the spec's update body; unknown fields are errors
  await project.update({ label: 'New Project Label' });
  // @ts-expect-error no such field on a project update
  await project.update({ labell: 'typo' });
  const fresh: Project = await project.reload();

  // children
  const subject: Subject = await project.addSubject({ label: 'Subject 01' });
  const session: Session = await subject.addSession({ label: 'Session 01' });
  // v21: a session created through its project names its subject
  await project.addSession({ label: 'Session 02', subject: { code: 'Subject 02' } });
  const acquisition: Acquisition = await session.addAcquisition({ label: 'Localizer' });
  await acquisition.update({ timestamp: new Date() });

  // finders: items are the list models, reload() gives the full model
  const projects: ProjectListOutput[] = await fw.projects();
  const one: ProjectListOutput = await fw.projects.findOne('label=My Project');
  const maybe: ProjectListOutput | null = await fw.projects.findFirst('label=My Project');
  const sessions: SessionListOutput[] = await project.sessions.find('created>2018-10-31');
  const fullSession: Session = await sessions[0]!.reload();
  assertType<Equal<Awaited<ReturnType<SessionListOutput['reload']>>, Session>>();
  assertType<Equal<Awaited<ReturnType<Session['reload']>>, Session>>();
  // @ts-expect-error a list item is not the full model
  const notFull: Session = sessions[0]!;
  await sessions[0]!.addTag('x');
  await sessions[0]!.addAcquisition({ label: 'from a list item' });
  for await (const s of project.sessions.iter()) {
    const sl: string | undefined = s.label;
  }
  for await (const j of fw.jobs.iterFind('state=failed')) {
    const state = j.state;
    const jl: JobListOutput = j;
    const full: Job = await j.reload();
    await j.updatePriority('high');
    const logs = await j.getLogs();
    void [state, jl, full, logs];
  }
  const page = await fw.projects.page({ limit: 10, page: 2 });
  const total: number = page.total;
  const jobs = await fw.jobs({ limit: 100, sort: 'created:desc' });
  const finder: Finder<SubjectOutputForList> = project.subjects;
  const acqs: AcquisitionListOutput[] = await session.acquisitions();
  const analyses: AnalysisListOutput[] = await session.analysesFinder.find('label=qa');
  const allAnalyses: AnalysisListOutput[] = await fw.analyses.find('label=qa');
  const collectionSessions: SessionListOutput[] = await (
    await fw.getCollection('c')
  ).sessions.find();
  // @ts-expect-error filters are strings
  await fw.projects.find(42);
  // @ts-expect-error acquisitions have no child finder
  acquisition.sessions;
  // @ts-expect-error groups do not have subject finders
  (await fw.getGroup('g')).subjects;
  // @ts-expect-error v21 has no collection analyses
  (await fw.getCollection('c')).analysesFinder;
  void [fullSession, notFull, allAnalyses, collectionSessions];

  // tags, notes, info, permissions
  await session.addTag('Analysis Required');
  await session.deleteTag('Analysis Required');
  await session.addNote('This is a note');
  await fw.addProjectTag('pid', 'bare tag');
  await fw.addProjectTag('pid', { value: 'tag' });
  // @ts-expect-error a tag is a string
  await fw.addProjectTag('pid', 42);
  await acquisition.replaceInfo({ splines: 34 });
  await acquisition.updateInfo({ curve: 'bezier' });
  await acquisition.deleteInfo('splines', 'curve');
  const group: Group = await fw.getGroup('g');
  await group.addPermission({ access: 'rw', _id: 'user@example.com' });
  // @ts-expect-error access levels are ro, rw, admin
  await group.addPermission({ access: 'write', _id: 'user@example.com' });
  const groupPerm: AccessPermissionOutput = await group.updatePermission('user@example.com', {
    access: 'ro',
  });
  await group.getPermission('user@example.com');
  await group.addPermissionTemplate({ _id: 'user@example.com', role_ids: ['r1'] });
  await group.updatePermissionTemplate('user@example.com', { role_ids: ['r2'] });
  await group.getPermissionTemplate('user@example.com');
  await group.deletePermissionTemplate('user@example.com');
  // projects are role based (v21)
  const adminIds = (await fw.getAllRoles())
    .filter((role) => role.default_flywheel_role === 'admin')
    .map((role) => role.id);
  const perm: RolePermissionOutput = await project.addPermission({
    _id: 'user@example.com',
    role_ids: adminIds,
  });
  await project.updatePermission('user@example.com', { role_ids: [] });
  const got: RolePermissionOutput = await project.getPermission('user@example.com');
  await project.deletePermission('user@example.com');
  // @ts-expect-error project permissions take role_ids, not access
  await project.addPermission({ _id: 'user@example.com', access: 'rw' });
  // @ts-expect-error projects have no permission templates
  await project.addPermissionTemplate({ _id: 'u', role_ids: [] });
  await fw.addRoleToGroup('g', { _id: adminIds[0]! });
  void [groupPerm, perm, got];
  // @ts-expect-error groups have no notes
  await group.addNote('x');
  // @ts-expect-error subjects have no permissions
  await subject.addPermission({ access: 'ro', _id: 'u' });

  // files
  await acquisition.uploadFile('/tmp/hello.txt');
  const entries: FileEntry[] = await acquisition.uploadFile(
    new FileSpec('hello.txt', 'Hello World!\n', 'text/plain'),
  );
  const entry: FileEntry = entries[0]!;
  const fileId: string = entry.file_id;
  const version: number = entry.version;
  const versions: FileEntry[] = await entry.getVersions();
  const restored: FileEntry = await entry.restore(1);
  const byId: FileEntry = await fw.getFile(fileId, { version });
  const listed: FileEntry[] = await fw.files.find('name=hello.txt');
  const saved: FileEntry[] = await fw.uploadFileToAcquisition('aid', '/tmp/a.txt');
  await fw.downloadZip([acquisition], '/tmp/acquisition.zip');
  await acquisition.downloadFile('file.txt', '/path/to/file.txt');
  const bytes: Uint8Array = await acquisition.readFile('hello.txt');
  const url: string = await acquisition.getFileDownloadUrl('hello.txt');
  const zip = await acquisition.getFileZipInfo('my.zip');
  const member: string | undefined = zip.members?.[0]?.path;
  await acquisition.replaceFileClassification(
    'file.txt',
    { Intent: ['Structural'] },
    { modality: 'MR' },
  );
  await acquisition.updateFileClassification('file.txt', { Custom: ['value1'] });
  for (const f of acquisition.files ?? []) {
    const n: string = f.name;
    await f.download(`/tmp/${f.name}`);
    const r = f.ref();
  }
  const data: Uint8Array = await fw.downloadFileFromProjectAsData('pid', 'name');
  const turl: string = await fw.getProjectDownloadUrl('pid', 'name');
  await fw.uploadFileToContainer('cid', '/path/to/file.nii.gz', {
    metadata: JSON.stringify({ info: {} }),
  });
  await fw.setProjectInfo('pid', { a: 1 });
  await fw.deleteProjectInfoFields('pid', ['a']);
  // @ts-expect-error readFile needs a name
  await acquisition.readFile();
  await fw.downloadTar([acquisition], '/tmp/acquisition.tar', { includeTypes: ['dicom'] });

  // search
  const hits = await fw.search(
    { structured_query: 'project.label = Sample', return_type: 'acquisition' },
    { size: 10000 },
  );
  // @ts-expect-error return_type is required
  await fw.search({ structured_query: 'x' });

  // gears and jobs
  const gear = await fw.getGear('gear-id');
  const isAnalysis: boolean = gear.isAnalysisGear();
  const run: Job | Analysis = await gear.run({
    inputs: { 'any-file': entry },
    destination: acquisition,
  });
  const job = await fw.getJob(run.id);
  await job.changeState('cancelled');

  // errors
  try {
    await fw.getProject('NON_EXISTENT_ID');
  } catch (e) {
    if (e instanceof ApiException) {
      const status: number = e.status;
      const reason: string = e.reason;
      const detail: string | undefined = e.detail;
    }
    assertType<Equal<ApiException, ApiError>>();
  }

  // raw calls
  const { data: raw } = await fw.api.GET('/projects/{project_id}', {
    params: { path: { project_id: 'x' } },
  });
  const rawLabel: string | undefined = raw.label;
  // @ts-expect-error raw client paths are typed
  await fw.api.GET('/no/such/path');

  void [
    fwNeutral,
    first,
    found,
    path0,
    children,
    created,
    id,
    wireId,
    pid,
    fresh,
    projects,
    one,
    maybe,
    sessions,
    total,
    jobs,
    finder,
    acqs,
    analyses,
    bytes,
    url,
    member,
    data,
    turl,
    hits,
    isAnalysis,
    rawLabel,
  ];
}
void usage;
