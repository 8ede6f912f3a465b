/**
 * Seeds the demo site (see `site-plan.ts`) through the SDK: group, projects, subjects, sessions,
 * acquisitions with files, a gear and two finished jobs. Subjects are created a few at a time
 * with the SDK's bounded-concurrency helper: faster than one by one, gentle on a 2-core machine.
 */
import {
  FileSpec,
  NotFoundError,
  mapConcurrent,
  type Acquisition,
  type Client,
  type Group,
  type Project,
} from '@fw/sdk/node';
import { CONTENT_TYPES, planFileBytes } from './file-bytes.ts';
import { COMPLETED_JOB_LOG, DEMO_GEAR, FAILED_JOB_LOG } from './gear.ts';
import { planSite, type ProjectPlan, type SitePlan, type SubjectPlan } from './site-plan.ts';

/** Subjects created at once. The server shares the process (and 2 cores) with the seeder. */
const SUBJECT_CONCURRENCY = 4;

export interface SeedSummary {
  groupId: string;
  projects: { id: string; label: string }[];
  subjects: number;
  sessions: number;
  acquisitions: number;
  files: number;
  gearId: string;
  jobs: { failed: string; complete: string };
}

export interface SeedOptions {
  plan?: SitePlan;
  /** Called after each subject is stored (for a progress line). */
  onSubject?: (done: number, total: number) => void;
}

/** Deterministic vitals for a session (from its label), as CSV. */
export function vitalsCsv(label: string): string {
  let h = 0;
  for (const ch of label) h = (h * 31 + ch.charCodeAt(0)) % 1000;
  return `measure,value\nheart_rate,${60 + (h % 30)}\nsystolic,${110 + (h % 25)}\n`;
}

async function seedSubject(project: Project, plan: SubjectPlan): Promise<Acquisition[]> {
  const { sessions, ...fields } = plan;
  const subject = await project.addSubject(fields);
  const acquisitions: Acquisition[] = [];
  for (const sessionPlan of sessions) {
    const { acquisitions: acquisitionPlans, ...sessionFields } = sessionPlan;
    const session = await subject.addSession(sessionFields);
    // every session carries a small CSV of vitals, for file-processing data views
    await session.uploadFile(
      new FileSpec(
        'vitals.csv',
        vitalsCsv(`${String(fields.label ?? '')}/${String(sessionFields.label ?? '')}`),
        'text/csv',
      ),
    );
    for (const acquisitionPlan of acquisitionPlans) {
      const { files, ...acquisitionFields } = acquisitionPlan;
      const acquisition = await session.addAcquisition(acquisitionFields);
      for (const file of files) {
        const bytes = await planFileBytes(file);
        await acquisition.uploadFile(new FileSpec(file.name, bytes, CONTENT_TYPES[file.type]), {
          metadata: {
            type: file.type,
            modality: file.modality,
            classification: file.classification,
            info: file.info,
          },
        });
      }
      acquisitions.push(acquisition);
    }
  }
  return acquisitions;
}

async function seedProject(
  group: Group,
  plan: ProjectPlan,
  progress: () => void,
): Promise<{ project: Project; acquisitions: Acquisition[] }> {
  const project = await group.addProject({
    label: plan.label,
    description: plan.description,
    info: plan.info,
  });
  const perSubject = await mapConcurrent(plan.subjects, SUBJECT_CONCURRENCY, async (subject) => {
    const acquisitions = await seedSubject(project, subject);
    progress();
    return acquisitions;
  });
  return { project, acquisitions: perSubject.flat() };
}

/** Registers the converter gear and leaves one failed and one completed job behind. */
async function seedGearAndJobs(
  client: Client,
  dicomAcquisitions: Acquisition[],
): Promise<Pick<SeedSummary, 'gearId' | 'jobs'>> {
  const gearId = (await client.addGear(DEMO_GEAR.gear.name, structuredClone(DEMO_GEAR)))!;
  const gear = await client.getGear(gearId);
  const [failing, succeeding] = dicomAcquisitions;
  if (!failing || !succeeding)
    throw new Error('the site plan needs at least two DICOM acquisitions for the demo jobs');
  const runOn = async (
    acquisition: Acquisition,
    finalState: 'failed' | 'complete',
    log: typeof FAILED_JOB_LOG,
  ) => {
    // The object from addAcquisition predates the upload: reload to see the file.
    const dicom = (await (await acquisition.reload()).getFiles()).find((f) => f.type === 'dicom');
    if (!dicom) throw new Error(`no DICOM file on acquisition ${acquisition.id}`);
    const { id: jobId } = await gear.run({
      inputs: { dicom },
      destination: acquisition,
      tags: ['demo'],
    });
    // No execution engine: play the job's life cycle the way an engine would report it.
    await client.changeJobState(jobId, 'running');
    await client.addJobLogs(jobId, log);
    await client.changeJobState(jobId, finalState);
    return jobId;
  };
  return {
    gearId,
    jobs: {
      failed: await runOn(failing, 'failed', FAILED_JOB_LOG),
      complete: await runOn(succeeding, 'complete', COMPLETED_JOB_LOG),
    },
  };
}

/** Creates the whole demo site. Fails if its group already exists (see `ensureDemoSite`). */
export async function seedSite(client: Client, options: SeedOptions = {}): Promise<SeedSummary> {
  const plan = options.plan ?? planSite();
  await client.addGroup({ _id: plan.group._id, label: plan.group.label });
  const group = await client.getGroup(plan.group._id);
  const totalSubjects = plan.projects.reduce((n, p) => n + p.subjects.length, 0);
  let doneSubjects = 0;
  const progress = () => options.onSubject?.(++doneSubjects, totalSubjects);
  const seeded = [];
  // Projects one after the other (each already runs subjects in parallel).
  for (const projectPlan of plan.projects)
    seeded.push(await seedProject(group, projectPlan, progress));
  const acquisitions = seeded.flatMap((s) => s.acquisitions);
  const dicomAcquisitions = acquisitions.filter((a) => a.label === 'rfMRI_REST_AP');
  const gearAndJobs = await seedGearAndJobs(client, dicomAcquisitions);
  const sessions = plan.projects.flatMap((p) => p.subjects.flatMap((s) => s.sessions));
  return {
    groupId: plan.group._id,
    projects: seeded.map(({ project }) => ({ id: project.id, label: project.label ?? '' })),
    subjects: totalSubjects,
    sessions: sessions.length,
    acquisitions: acquisitions.length,
    files: sessions.flatMap((s) => s.acquisitions.flatMap((a) => a.files)).length,
    ...gearAndJobs,
  };
}

/** Seeds the demo site unless its group is already there (a kept `--data` folder, a long-running server). */
export async function ensureDemoSite(
  client: Client,
  options: SeedOptions = {},
): Promise<SeedSummary | 'already-seeded'> {
  const plan = options.plan ?? planSite();
  try {
    await client.getGroup(plan.group._id);
    return 'already-seeded';
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return seedSite(client, { ...options, plan });
}
