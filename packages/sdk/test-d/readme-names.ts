/**
 * Type-level pins of the README's "Python → TypeScript" table: every TypeScript name the table
 * lists must exist with the shape it shows. Compiled by `pnpm typecheck`, never run.
 */
import {
  type Acquisition,
  ApiError,
  ApiException,
  type Container,
  FindOneError,
  type FileEntry,
  type Group,
  type Job,
  type Project,
  type ResolveResult,
  type ResolvedNode,
  type RolePermissionOutput,
  type Role,
  type Schemas,
  type Session,
} from '../src/index.js';
import {
  type Analysis,
  type Batch,
  type BatchProposal,
  Client,
  GearConfigError,
  GearContext,
  GearInputError,
  type Gear,
  type GearInvocation,
  JobWaitTimeoutError,
} from '../src/node.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

async function names(project: Project, group: Group, acq: Acquisition, session: Session, job: Job) {
  // flywheel.Client(key) / Client()
  const fw = new Client('host:443:key', { timeoutMs: 1000 });
  new Client();
  // fw.get_project(id)
  const p: Project = await fw.getProject('pid');
  // fw.get(id), fw.resolve(path), fw.lookup(path)
  const c: Container = await fw.get('id');
  const r: ResolveResult = await fw.resolve('group/project');
  const n: ResolvedNode = await fw.lookup('group/project');
  const nodeType: string = n.container_type;
  // fw.add_group(flywheel.Group('id', 'Label')) → 'id'
  const gid: string = await fw.addGroup({ _id: 'id', label: 'Label' });
  // fw.projects.find_first('label=x') → object or null
  const maybe = await fw.projects.findFirst('label=x');
  assertType<Equal<Extract<typeof maybe, null>, null>>();
  // fw.projects.find_one(...) throws FindOneError with count
  try {
    await fw.projects.findOne('label=x');
  } catch (e) {
    if (e instanceof FindOneError) {
      const count: number | undefined = e.count;
      void count;
    }
  }
  // for s in project.sessions.iter_find('a=b')
  for await (const s of project.sessions.iterFind('a=b')) void s;
  // fw.jobs(limit=100, sort='created:desc')
  await fw.jobs({ limit: 100, sort: 'created:desc' });
  // project.update(label='x'), project.add_subject(label='s')
  await project.update({ label: 'x' });
  await project.addSubject({ label: 's' });
  // acq.replace_file_classification(n, c, modality=m)
  await acq.replaceFileClassification('n', { Intent: ['Structural'] }, { modality: 'MR' });
  // acq.delete_info('a', 'b')
  await acq.deleteInfo('a', 'b');
  // project.add_permission({'_id': u, 'role_ids': r}); project.get_permission(u)
  await project.addPermission({ _id: 'u', role_ids: ['r'] });
  const perm: RolePermissionOutput = await project.getPermission('u');
  // group.add_permission_template(p)
  await group.addPermissionTemplate({ _id: 'u', role_ids: ['r'] });
  // fw.get_all_roles(), fw.add_role_to_group(g, r)
  const roles: Role[] = await fw.getAllRoles();
  await fw.addRoleToGroup('g', { _id: 'r' });
  // fw.analyses.find('label=x')
  await fw.analyses.find('label=x');
  // job.update_priority('high')
  await job.updatePriority('high');
  // fw.download_file_from_project_as_data(id, name)
  const bytes: Uint8Array = await fw.downloadFileFromProjectAsData('pid', 'name');
  // fw.search(query, size=10000): the hits, or an object for csv/facets answers
  const hits = await fw.search({ structured_query: 'x', return_type: 'session' }, { size: 10000 });
  const list: Schemas['SearchResponse'][] | Record<string, unknown> = hits;
  // session.age_years, acq.local_timestamp
  const years: number | null | undefined = session.ageYears;
  const stamp: string | undefined = acq.localTimestamp?.toString(); // a Temporal ZonedDateTime
  // flywheel.ApiException
  assertType<Equal<ApiException, ApiError>>();
  // Client(key, disable_auth_check=True, exhaustive=True); fw.enable_feature('beta')
  const quiet = new Client('host:443:key', { disableAuthCheck: true, exhaustive: true });
  quiet.api.enableFeature('beta');
  // fw.get_file(file_id, version=2); its versions, restore, tags
  const file: FileEntry = await fw.getFile('fid', { version: 2 });
  const versions: FileEntry[] = await file.getVersions();
  const restored: FileEntry = await file.restore(1);
  const tags: string[] = await file.addTags(['a']);
  await file.setTags(['b']);
  // fw.download_zip(containers, dest); fw.files
  await fw.downloadZip(project, '/tmp/x.zip');
  await fw.files.find('name=x');
  void [versions, restored, tags];

  void [fw, p, c, r, nodeType, gid, perm, roles, bytes, list, years, stamp];
}
void names;

/** The gear rows: invocations, runs, batches, job waits, GearContext. */
async function gearNames(gear: Gear, acq: Acquisition, job: Job) {
  // gear.create_invocation(), then set_input, update_config, set_destination, add_tag, set_priority, run()
  const inv: GearInvocation = gear
    .createInvocation()
    .setInput('t1', acq.files![0]!)
    .updateConfig({ a: 1 })
    .setDestination(acq)
    .addTag('x')
    .setPriority('high');
  const ran: Job | Analysis = await inv.run();
  // gear.run(...) → a Job or an Analysis; the check errors carry a code
  const made: Job | Analysis = await gear.run({
    config: {},
    inputs: {},
    destination: acq,
    tags: [],
    analysisLabel: 'x',
    priority: 'low',
  });
  const codes: string[] = [new GearInputError('m', 'i').code, new GearConfigError('m', 'o').code];
  // gear.propose_batch(containers), proposal.run(), batch.cancel()
  const proposal: BatchProposal = await gear.proposeBatch([acq], {
    optionalInputPolicy: 'flexible',
  });
  const jobs: Job[] = await proposal.run();
  const batch: Batch = await proposal.getBatch();
  const cancelled: number = await batch.cancel();
  // job.update_priority, a polling loop → job.wait; analysis.get_job
  await job.updatePriority('high');
  const done: Job = await job.wait({ waitMs: 1000 });
  assertType<Equal<JobWaitTimeoutError['jobId'], string>>();
  // analysis.get_job (an analysis gear's run)
  const analysisJob: Job = await (made as Analysis).getJob();
  // GearContext() → await GearContext.fromDir(); its properties and metadata methods
  const ctx = await GearContext.fromDir('/flywheel/v0');
  const values: Record<string, unknown> = ctx.config;
  const dest: { type: string; id: string } = ctx.destination;
  ctx.getInput('t1');
  const path: string = ctx.getInputPath('t1');
  ctx.openInput('t1');
  ctx.getContextValue('c');
  const dirs: string[] = [ctx.outputDir, ctx.workDir];
  ctx.openOutput('x.csv');
  await ctx.writeOutput('y.csv', 'a,b\n');
  const client: Client = ctx.client;
  ctx.log.info('i');
  ctx.log.warn('w');
  ctx.log.error('e');
  ctx.updateContainerMetadata('session', { tags: ['a'] });
  ctx.updateDestinationMetadata({ info: {} });
  ctx.updateFileMetadata('x.csv', { type: 'tabular data' });
  const wrote: boolean = await ctx.writeMetadata();
  void [ran, analysisJob, codes, jobs, cancelled, done, values, dest, path, dirs, client, wrote];
}
void gearNames;
