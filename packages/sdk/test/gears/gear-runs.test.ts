/**
 * Gear runs over a real socket: invocations, manifest checks (thrown before any request: a
 * counting fetch proves it), typed results, batches, and `job.wait()`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Acquisition,
  Analysis,
  BatchProposal,
  Client,
  FileEntry,
  FileSpec,
  FlywheelError,
  Gear,
  GearConfigError,
  GearInputError,
  GearRunError,
  Group,
  Job,
  JobWaitTimeoutError,
  Session,
} from '../../src/node.js';
import { groupId, uniq, useServer } from '../helpers/server.js';

const EXCHANGE = {
  'git-commit': 'local',
  'rootfs-hash': 'sha384:0',
  'rootfs-url': 'docker://local',
};

function manifest(name: string) {
  return {
    name,
    label: name,
    version: '1.0.0',
    author: 'Flywheel',
    description: 'test gear',
    license: 'MIT',
    inputs: {
      image: { base: 'file', type: { enum: ['nifti'] } },
      extra: { base: 'file', optional: true },
      key: { base: 'api-key' },
    },
    config: {
      threshold: { type: 'number', default: 0.5, minimum: 0, maximum: 1 },
      iterations: { type: 'integer', default: 3 },
      mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
      verbose: { type: 'boolean', default: false },
      note: { type: 'string', optional: true },
      // no default, not marked optional: may still be left out (as @fw/server allows)
      label: { type: 'string' },
    },
  };
}

describe('gear runs', () => {
  const ctx = useServer();
  let requests = 0;
  let fw: Client;
  let session: Session;
  let acquisition: Acquisition;
  let image: FileEntry;
  let text: FileEntry;
  let utility: Gear;
  let analysis: Gear;

  async function install(category: 'utility' | 'analysis'): Promise<Gear> {
    const name = uniq(category).toLowerCase();
    const id = await ctx.fw.addGear(name, { category, exchange: EXCHANGE, gear: manifest(name) });
    return fw.getGear(id!);
  }

  beforeAll(async () => {
    // Every request this client sends passes here, so a test can prove none was sent.
    fw = new Client(ctx.server.apiKey, {
      fetch: (req: Request) => {
        requests += 1;
        return fetch(req);
      },
    });
    const gid = await ctx.fw.addGroup({ _id: groupId('gears'), label: 'Gears' });
    const project = await ((await ctx.fw.get(gid)) as Group).addProject({ label: 'Gear runs' });
    session = await project.addSession({ label: 'ses', subject: { code: 'g1' } });
    acquisition = await session.addAcquisition({ label: 'T1' });
    await acquisition.uploadFile(new FileSpec('t1.nii.gz', new Uint8Array([1, 2, 3])));
    await acquisition.uploadFile(new FileSpec('notes.txt', 'notes'));
    acquisition = (await fw.getAcquisition(acquisition.id)) as Acquisition;
    image = acquisition.files!.find((f) => f.name === 't1.nii.gz')!;
    text = acquisition.files!.find((f) => f.name === 'notes.txt')!;
    expect(image.type).toBe('nifti');
    utility = await install('utility');
    analysis = await install('analysis');
  });

  /** The error a call throws, and how many requests it sent. */
  async function failure(call: () => Promise<unknown>): Promise<{ err: unknown; sent: number }> {
    const before = requests;
    const err = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    return { err, sent: requests - before };
  }

  it.each([
    [
      { config: { threshold: 'high' } },
      GearConfigError,
      'threshold',
      /"threshold" must be a number, got "high"/,
    ],
    [{ config: { threshold: 2 } }, GearConfigError, 'threshold', /"threshold" must be ≤ 1, got 2/],
    [{ config: { iterations: 2.5 } }, GearConfigError, 'iterations', /must be an integer/],
    [
      { config: { mode: 'medium' } },
      GearConfigError,
      'mode',
      /one of "fast", "slow", got "medium"/,
    ],
    [{ config: { verbose: 'yes' } }, GearConfigError, 'verbose', /must be a boolean/],
    [{ config: { label: 3 } }, GearConfigError, 'label', /"label" must be a string, got 3/],
    [
      { config: { thresold: 1 } },
      GearConfigError,
      'thresold',
      /no config option "thresold": use one of threshold, /,
    ],
    [
      { inputs: {} },
      GearInputError,
      'image',
      /input "image" is required: pass inputs: \{ 'image': file \}/,
    ],
    [{ inputs: { img: 'x' } }, GearInputError, 'img', /no input "img": use one of image, extra/],
    [
      { inputs: { key: 'x' } },
      GearInputError,
      'key',
      /"key" is a api-key input, filled in when the job runs/,
    ],
  ] as const)('a bad run %j throws %o before any request', async (options, cls, field, message) => {
    const withImage = { inputs: { image, ...(options as { inputs?: object }).inputs } };
    const run = 'inputs' in options && Object.keys(options.inputs).length === 0 ? {} : withImage;
    const { err, sent } = await failure(() =>
      utility.run({
        destination: acquisition,
        ...run,
        ...('config' in options ? options : {}),
      } as never),
    );
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(FlywheelError);
    expect((err as GearConfigError).code).toBe(
      cls === GearConfigError ? 'FW_GEAR_CONFIG' : 'FW_GEAR_INPUT',
    );
    expect(
      (err as { option?: string; input?: string })[cls === GearConfigError ? 'option' : 'input'],
    ).toBe(field);
    expect((err as Error).message).toMatch(message);
    expect(sent).toBe(0);
  });

  it('an input must be a file of an allowed type; nothing is sent otherwise', async () => {
    const container = await failure(() => utility.run({ inputs: { image: acquisition } }));
    expect(container.err).toBeInstanceOf(GearInputError);
    expect((container.err as Error).message).toMatch(/"image" needs a file .*got a acquisition/);
    expect(container.sent).toBe(0);
    const wrongType = await failure(() => utility.run({ inputs: { image: text } }));
    expect((wrongType.err as Error).message).toBe(
      `gear ${utility.gear.name}: input "image" takes files of type nifti; notes.txt is ${text.type}`,
    );
    expect(wrongType.sent).toBe(0);
  });

  it('an analysis gear without a destination, and a label on a utility gear, are refused up front', async () => {
    const noDest = await failure(() => analysis.run({ inputs: { image } }));
    expect(noDest.err).toBeInstanceOf(GearRunError);
    expect((noDest.err as GearRunError).code).toBe('FW_GEAR_RUN');
    expect((noDest.err as Error).message).toMatch(
      /is an analysis gear: run\(\) needs a destination/,
    );
    expect(noDest.sent).toBe(0);
    expect(() => utility.createInvocation().setAnalysisLabel('x')).toThrow(
      /is not an analysis gear/,
    );
  });

  it('a utility gear run resolves to its pending Job, with defaults merged and refs sent', async () => {
    const job = await utility.run({
      inputs: { image, extra: text },
      destination: acquisition,
      config: { threshold: 0.9, note: 'n' },
      tags: ['a', 'a', 'b'],
      priority: 'high',
    });
    expect(job).toBeInstanceOf(Job);
    const j = job as Job;
    expect(j.state).toBe('pending');
    // v21: a job's `config` is its config.json (`{ config, inputs, destination }`).
    expect((j.config as { config: object }).config).toEqual({
      threshold: 0.9,
      iterations: 3,
      mode: 'fast',
      verbose: false,
      note: 'n',
    });
    expect(j.inputs).toMatchObject({
      image: { type: 'acquisition', id: acquisition.id, name: 't1.nii.gz' },
      extra: { type: 'acquisition', id: acquisition.id, name: 'notes.txt' },
    });
    expect(j.tags).toEqual(expect.arrayContaining(['a', 'b']));
    expect(j.tags!.filter((t) => t === 'a')).toHaveLength(1);
    expect(j.priority).toBe('high');
    expect(j.destination).toEqual({ type: 'acquisition', id: acquisition.id });
  });

  it('createInvocation builds a run step by step', async () => {
    const inv = utility
      .createInvocation()
      .updateConfig({ iterations: 7 })
      .setInput('image', image)
      .setDestination(acquisition)
      .addTags(['x', 'x'])
      .setPriority('low');
    expect(inv.config).toEqual({ threshold: 0.5, iterations: 7, mode: 'fast', verbose: false });
    expect(inv.tags).toEqual(['x']);
    const job = (await inv.run()) as Job;
    expect(job).toBeInstanceOf(Job);
    expect(job.priority).toBe('low');
    expect((job.config as { config: object }).config).toMatchObject({ iterations: 7 });
  });

  it('an analysis gear run resolves to the Analysis; analysis.getJob() is its pending job', async () => {
    const made = await analysis.run({
      inputs: { image },
      destination: session,
      analysisLabel: 'Run 1',
    });
    expect(made).toBeInstanceOf(Analysis);
    const a = made as Analysis;
    expect(a.label).toBe('Run 1');
    expect(a.parent).toMatchObject({ type: 'session', id: session.id });
    const job = await a.getJob();
    expect(job).toBeInstanceOf(Job);
    expect(job.state).toBe('pending');
    expect(job.destination).toEqual({ type: 'analysis', id: a.id });
  });

  it('proposeBatch matches inputs per target; proposal.run() makes the jobs; cancel() cancels them', async () => {
    const other = await session.addAcquisition({ label: 'no nifti' });
    await other.uploadFile(new FileSpec('notes.txt', 'x'));
    const bad = await failure(() => utility.proposeBatch([acquisition], { config: { mode: 'x' } }));
    expect(bad.err).toBeInstanceOf(GearConfigError);
    expect(bad.sent).toBe(0);

    const proposal = await utility.proposeBatch([acquisition, other], {
      tags: ['batch'],
      config: { iterations: 5 },
      optionalInputPolicy: 'ignored',
    });
    expect(proposal).toBeInstanceOf(BatchProposal);
    expect(proposal.matched).toEqual([{ type: 'acquisition', id: acquisition.id }]);
    expect(proposal.not_matched.map((c) => (c as { _id: string })._id)).toEqual([other.id]);
    expect(proposal.config).toMatchObject({ iterations: 5, threshold: 0.5 });

    const jobs = await proposal.run();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toBeInstanceOf(Job);
    expect(jobs[0]!.inputs).toMatchObject({ image: { name: 't1.nii.gz' } });
    expect(jobs[0]!.tags).toContain('batch');
    expect((await proposal.getBatch()).state).toBe('running');

    expect(await proposal.cancel()).toBe(1);
    expect((await fw.getJob(jobs[0]!.id)).state).toBe('cancelled');
    const batch = await proposal.getBatch();
    expect(batch.state).toBe('cancelled');
    expect(batch.jobs).toEqual([jobs[0]!.id]);
    expect(await batch.cancel()).toBe(0);
  });

  it('an analysis gear batch sends the analysis label: each job runs in a new analysis', async () => {
    const proposal = await analysis.proposeBatch([acquisition], { analysisLabel: 'Batch run' });
    const [job] = await proposal.run();
    expect(job!.destination?.type).toBe('analysis');
    const made = (await fw.getAnalysis(job!.destination!.id)) as Analysis;
    expect(made.label).toBe('Batch run');
    expect(made.parent).toMatchObject({ type: 'acquisition', id: acquisition.id });
  });

  it('job.wait() resolves to the finished job and gives up after waitMs', async () => {
    const job = (await utility.run({ inputs: { image }, destination: acquisition })) as Job;
    const timeout = await job.wait({ waitMs: 150, pollMs: 20 }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(JobWaitTimeoutError);
    expect(timeout).toMatchObject({ code: 'FW_JOB_WAIT_TIMEOUT', jobId: job.id, state: 'pending' });
    expect((timeout as Error).message).toMatch(/was still pending after 150 ms/);

    const aborted = new AbortController();
    const waiting = job.wait({ signal: aborted.signal, pollMs: 20 });
    aborted.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'FW_ABORTED' });

    const finished = job.wait({ pollMs: 10, maxPollMs: 40 });
    await job.changeState('running');
    await job.changeState('complete');
    const done = await finished;
    expect(done).toBeInstanceOf(Job);
    expect(done.state).toBe('complete');
  });
});
