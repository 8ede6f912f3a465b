import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer, type TestServer } from './helpers/server.js';
import { startServer, type RunningServer } from '../src/index.js';

/** A bare client for a server this file starts itself (spec checks are done by useServer's). */
function plainClient(server: RunningServer): TestServer {
  const t = { server, url: server.url, adminKey: server.apiKey } as TestServer;
  t.call = async (method, path, o = {}) => {
    const headers: Record<string, string> = { Authorization: `scitran-user ${server.apiKey}` };
    let body: BodyInit | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(server.url + path, { method, headers, body });
    const bytes = Buffer.from(await r.arrayBuffer());
    const json = r.headers.get('content-type')?.includes('json');
    return {
      status: r.status,
      headers: r.headers,
      bytes,
      body: json ? JSON.parse(bytes.toString()) : undefined,
    };
  };
  t.ok = async (method, path, o) => {
    const r = await t.call(method, path, o);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.bytes.toString()}`);
    return r.body;
  };
  return t;
}

// the local engine end to end: a gear whose `command` is a small node script
const script = fileURLToPath(new URL('./fixtures/local-gear.mjs', import.meta.url));
const command = `"${process.execPath}" "${script}"`;
const workRoot = mkdtempSync(join(tmpdir(), 'fw-engine-test-'));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

const manifest = (name: string, category?: string) => ({
  name,
  version: '1.0.0',
  command,
  inputs: {
    data: { base: 'file' },
    key: { base: 'api-key' },
    threshold: { base: 'context' },
  },
  config: { mode: { type: 'string', default: 'ok' } },
  ...(category ? { custom: { 'gear-builder': { category } } } : {}),
});

async function setup(t: TestServer) {
  const h = await hierarchy(t);
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'in.txt', data: 'input bytes' }]),
  });
  await t.ok('PUT', `/projects/${h.project}`, { body: { info: { context: { threshold: 7 } } } });
  return h;
}

const addGear = async (t: TestServer, name: string, category?: string) =>
  (await t.ok('POST', `/gears/${name}`, { body: { gear: manifest(name, category) } }))
    ._id as string;

const runJob = async (t: TestServer, gearId: string, acq: string, mode: string) =>
  (
    await t.ok('POST', '/jobs/add', {
      body: {
        gear_id: gearId,
        inputs: { data: { type: 'acquisition', id: acq, name: 'in.txt' } },
        destination: { type: 'acquisition', id: acq },
        config: { mode },
      },
    })
  )._id as string;

const logsOf = async (t: TestServer, id: string) =>
  (await t.ok('GET', `/jobs/${id}/logs`)).logs as { fd: number; msg: string }[];
const fileNames = async (t: TestServer, acq: string) =>
  ((await t.ok('GET', `/acquisitions/${acq}`)).files as { name: string }[]).map((f) => f.name);

describe('local engine', () => {
  const t = useServer({ engine: { pollMs: 20, workRoot, keepWorkDirs: true } });
  let h: Awaited<ReturnType<typeof setup>>;
  let analysisGear: string;
  let utilityGear: string;
  beforeAll(async () => {
    h = await setup(t);
    analysisGear = await addGear(t, 'local-analysis', 'analysis');
    utilityGear = await addGear(t, 'local-utility');
  });

  it('runs an analysis gear: logs, outputs with .metadata.json applied, job complete', async () => {
    const jobId = await runJob(t, analysisGear, h.acquisition, 'ok');
    await t.server.engine!.idle();
    const job = await t.ok('GET', `/jobs/${jobId}`);
    expect(job.state).toBe('complete');
    expect(job.destination.type).toBe('analysis');
    expect(job.transitions).toHaveProperty('running');
    expect(job.transitions).toHaveProperty('complete');

    const logs = await logsOf(t, jobId);
    expect(logs).toContainEqual({ fd: 1, msg: 'gear says hello (mode ok, engine 1)\n' });
    expect(logs).toContainEqual({ fd: 2, msg: 'a line on stderr\n' });
    // the api-key input reached the server as the job's user
    expect(logs).toContainEqual({ fd: 1, msg: 'api says 200 admin@local.flywheel\n' });
    expect(logs.at(-1)).toEqual({ fd: 1, msg: 'done\n' });

    const analysis = await t.ok('GET', `/analyses/${job.destination.id}`);
    const files = analysis.files as any[];
    expect(files.map((f) => f.name).sort()).toEqual(['notes.txt', 'result.csv']);
    const csv = files.find((f) => f.name === 'result.csv');
    expect(csv).toMatchObject({ type: 'tabular data', info: { rows: 1 }, tags: ['summary'] });
    expect(csv.origin).toEqual({ type: 'job', id: jobId });
    const dl = await t.call('GET', `/analyses/${analysis._id}/files/result.csv`);
    expect(dl.bytes.toString()).toBe('name,length\nin.txt,11\n');

    // container-level metadata went to the analysis' acquisition, with the context value
    const acq = await t.ok('GET', `/acquisitions/${h.acquisition}`);
    expect(acq.tags).toContain('processed');
    expect(acq.info.qc).toEqual({ status: 'pass', threshold: 7 });
    const input = acq.files.find((f: any) => f.name === 'in.txt');
    expect(input).toMatchObject({ modality: 'MR', tags: ['seen'] });
    expect(acq.files.map((f: any) => f.name)).toEqual(['in.txt']);
  });

  it('lays out the gear folder in Flywheel shape and revokes the job key afterwards', async () => {
    const jobId = await runJob(t, analysisGear, h.acquisition, 'ok');
    await t.server.engine!.idle();
    const job = await t.ok('GET', `/jobs/${jobId}`);
    const dir = readdirSync(workRoot).find((d) => d.startsWith(`fw-job-${jobId}-`));
    expect(dir).toBeDefined();
    const base = join(workRoot, dir!);
    expect(readdirSync(base).sort()).toEqual([
      'config.json',
      'input',
      'manifest.json',
      'output',
      'work',
    ]);
    const cfg = JSON.parse(readFileSync(join(base, 'config.json'), 'utf8'));
    expect(cfg.config).toEqual({ mode: 'ok' });
    expect(cfg.destination).toEqual({ type: 'analysis', id: job.destination.id });
    expect(cfg.job).toEqual({ id: jobId });
    expect(cfg.inputs.data).toMatchObject({
      base: 'file',
      hierarchy: { type: 'acquisition', id: h.acquisition },
      location: { path: join(base, 'input', 'data', 'in.txt'), name: 'in.txt' },
      object: { type: 'text', size: 11, modality: 'MR' },
    });
    expect(readFileSync(cfg.inputs.data.location.path, 'utf8')).toBe('input bytes');
    expect(cfg.inputs.threshold).toEqual({ base: 'context', found: true, value: 7 });
    expect(cfg.inputs.key.base).toBe('api-key');
    const [, , , secret] = cfg.inputs.key.key.split(':');
    const r = await t.call('GET', '/users/self', { key: secret });
    expect(r.status).toBe(401);
    expect(JSON.parse(readFileSync(join(base, 'manifest.json'), 'utf8')).name).toBe(
      'local-analysis',
    );
  });

  it('runs a utility gear into its destination container', async () => {
    const jobId = await runJob(t, utilityGear, h.acquisition, 'ok');
    await t.server.engine!.idle();
    const job = await t.ok('GET', `/jobs/${jobId}`);
    expect(job.state).toBe('complete');
    expect(job.saved_files.sort()).toEqual(['notes.txt', 'result.csv']);
    const acq = await t.ok('GET', `/acquisitions/${h.acquisition}`);
    expect(acq.files.map((f: any) => f.name).sort()).toEqual(['in.txt', 'notes.txt', 'result.csv']);
    expect(acq.files.find((f: any) => f.name === 'result.csv')).toMatchObject({
      type: 'tabular data',
      tags: ['summary'],
    });
    expect(acq.files.some((f: any) => f.name === '.metadata.json')).toBe(false);
  });

  it.each([
    ['fail', 'gear exited with code 1'],
    ['crash', 'gear exited with code 1'],
  ])(
    'a gear that ends badly (%s) fails its job with its log and no outputs',
    async (mode, reason) => {
      const h2 = await setup(t);
      const jobId = await runJob(t, utilityGear, h2.acquisition, mode);
      await t.server.engine!.idle();
      const job = await t.ok('GET', `/jobs/${jobId}`);
      expect(job.state).toBe('failed');
      expect(job.saved_files).toEqual([]);
      const logs = await logsOf(t, jobId);
      expect(logs).toContainEqual({ fd: 1, msg: `gear says hello (mode ${mode}, engine 1)\n` });
      expect(logs.at(-1)).toEqual({ fd: 2, msg: `${reason}\n` });
      if (mode === 'crash')
        expect(logs.some((l) => l.msg.includes('gear crashed after writing its outputs'))).toBe(
          true,
        );
      expect(await fileNames(t, h2.acquisition)).toEqual(['in.txt']);
      const acq = await t.ok('GET', `/acquisitions/${h2.acquisition}`);
      expect(acq.tags).not.toContain('processed');
    },
  );

  it('fails the job when .metadata.json is invalid, uploading nothing', async () => {
    const h2 = await setup(t);
    const bad = {
      ...manifest('local-bad-meta'),
      command: `"${process.execPath}" -e "require('fs').writeFileSync(process.env.FLYWHEEL + '/output/a.txt', 'a'); require('fs').writeFileSync(process.env.FLYWHEEL + '/output/.metadata.json', JSON.stringify({ planet: {} }))"`,
    };
    const gearId = (await t.ok('POST', '/gears/local-bad-meta', { body: { gear: bad } }))._id;
    const jobId = await runJob(t, gearId, h2.acquisition, 'ok');
    await t.server.engine!.idle();
    expect((await t.ok('GET', `/jobs/${jobId}`)).state).toBe('failed');
    const last = (await logsOf(t, jobId)).at(-1)!;
    expect(last.msg).toContain('unknown level "planet"');
    expect(await fileNames(t, h2.acquisition)).toEqual(['in.txt']);
  });

  it('kills a running gear whose job is cancelled; no outputs', async () => {
    const h2 = await setup(t);
    const jobId = await runJob(t, utilityGear, h2.acquisition, 'sleep');
    for (let i = 0; i < 500; i++) {
      const logs = await logsOf(t, jobId);
      if (logs.length > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await t.ok('PUT', `/jobs/${jobId}`, { body: { state: 'cancelled' } });
    await t.server.engine!.idle();
    expect((await t.ok('GET', `/jobs/${jobId}`)).state).toBe('cancelled');
    const last = (await logsOf(t, jobId)).at(-1)!;
    expect(last).toEqual({ fd: 2, msg: 'the job was cancelled while running\n' });
    expect(await fileNames(t, h2.acquisition)).toEqual(['in.txt']);
  });

  it('leaves jobs of gears without a command pending', async () => {
    const { command: _c, ...noCommand } = manifest('remote-gear');
    void _c;
    const gearId = (await t.ok('POST', '/gears/remote-gear', { body: { gear: noCommand } }))._id;
    const jobId = await runJob(t, gearId, h.acquisition, 'ok');
    await t.server.engine!.idle();
    expect((await t.ok('GET', `/jobs/${jobId}`)).state).toBe('pending');
    await t.ok('PUT', `/jobs/${jobId}`, { body: { state: 'cancelled' } });
  });
});

describe('closing the server', () => {
  it('stops the engine first: the running gear is killed and its job failed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fw-engine-close-'));
    try {
      const server = await startServer({ dataDir, engine: { pollMs: 20, workRoot } });
      const t2 = plainClient(server);
      const h = await setup(t2);
      const gearId = await addGear(t2, 'local-closer');
      const jobId = await runJob(t2, gearId, h.acquisition, 'sleep');
      for (let i = 0; i < 500; i++) {
        if ((await t2.ok('GET', `/jobs/${jobId}/logs`)).logs.length > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await server.close();
      const again = await startServer({ dataDir });
      try {
        const t3 = plainClient(again);
        const job = await t3.ok('GET', `/jobs/${jobId}`);
        expect(job.state).toBe('failed');
        expect(job.failure_reason).toBe('the local engine was stopped while the gear ran');
        expect(await fileNames(t3, h.acquisition)).toEqual(['in.txt']);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('local engine time limit', () => {
  const t = useServer({ engine: { pollMs: 20, timeLimitMs: 3000, workRoot, keepWorkDirs: true } });

  it('kills a gear that runs too long (its whole process group) and fails the job', async () => {
    const h = await setup(t);
    const gearId = await addGear(t, 'local-sleeper');
    const jobId = await runJob(t, gearId, h.acquisition, 'sleep');
    await t.server.engine!.idle();
    const job = await t.ok('GET', `/jobs/${jobId}`);
    expect(job.state).toBe('failed');
    const logs = await logsOf(t, jobId);
    expect(logs[0]).toEqual({ fd: 1, msg: 'gear says hello (mode sleep, engine 1)\n' });
    expect(logs.at(-1)).toEqual({
      fd: 2,
      msg: 'gear ran longer than its time limit of 3 s and was killed\n',
    });
    expect(await fileNames(t, h.acquisition)).toEqual(['in.txt']);
    const dir = readdirSync(workRoot).find((d) => d.startsWith(`fw-job-${jobId}-`))!;
    const pidFile = join(workRoot, dir, 'work', 'child.pid');
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // gone, or a zombie waiting for init to reap it: either way no longer running
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    expect(stat === '' || / Z /.test(stat)).toBe(true);
  });
});
