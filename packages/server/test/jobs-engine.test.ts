import { beforeAll, describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let gearId: string;

const manifest = {
  name: 'engine-side',
  version: '1.0.0',
  inputs: {
    scan: { base: 'file', type: { enum: ['nifti'] } },
    extra: { base: 'file', optional: true },
  },
  config: {
    level: { type: 'integer', default: 1 },
    mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
  },
};
const scan = () => ({ type: 'acquisition', id: h.acquisition, name: 'brain.nii.gz' });
const newJob = async (body: object = {}) =>
  (
    await t.ok('POST', '/jobs/add', {
      body: { gear_id: gearId, inputs: { scan: scan() }, ...body },
    })
  )._id as string;

/** POST /engine is a local extra (not in the spec): called without the spec conformance check. */
async function engineCall(query: string, body: FormData, key = t.adminKey) {
  const r = await fetch(`${t.url}/engine?${query}`, {
    method: 'POST',
    headers: { Authorization: `scitran-user ${key}` },
    body,
  });
  return { status: r.status, body: (await r.json()) as any };
}

beforeAll(async () => {
  h = await hierarchy(t);
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'brain.nii.gz', data: 'nifti bytes' }]),
  });
  await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
    raw: form([{ name: 'notes.txt', data: 'text' }]),
  });
  gearId = (await t.ok('POST', '/gears/engine-side', { body: { gear: manifest } }))._id;
});

describe('job state transitions', () => {
  const STATES = ['pending', 'running', 'failed', 'complete', 'cancelled'];
  const LEGAL = new Set([
    'pending>running',
    'pending>cancelled',
    'running>complete',
    'running>failed',
    'running>cancelled',
  ]);
  // how to bring a fresh (pending) job into each state
  const PATH: Record<string, string[]> = {
    pending: [],
    running: ['running'],
    failed: ['running', 'failed'],
    complete: ['running', 'complete'],
    cancelled: ['cancelled'],
  };

  it('follows the v21 table: legal moves succeed, others answer 400 naming both states', async () => {
    for (const from of STATES)
      for (const to of STATES) {
        if (from === to) continue;
        const id = await newJob();
        for (const s of PATH[from]!) await t.ok('PUT', `/jobs/${id}`, { body: { state: s } });
        const r = await t.call('PUT', `/jobs/${id}`, { body: { state: to } });
        if (LEGAL.has(`${from}>${to}`)) {
          expect(r.status, `${from} → ${to}`).toBe(200);
          const job = await t.ok('GET', `/jobs/${id}`);
          expect(job.state).toBe(to);
          if (to !== 'pending') expect(job.transitions).toHaveProperty(to);
        } else {
          expect(r.status, `${from} → ${to}`).toBe(400);
          expect(r.body.message).toContain(`from "${from}" to "${to}"`);
          expect((await t.ok('GET', `/jobs/${id}`)).state).toBe(from);
        }
      }
  });

  it('rejects an unknown state, and completing a job that is not running (409)', async () => {
    const id = await newJob();
    const r = await t.call('PUT', `/jobs/${id}`, { body: { state: 'exploded' } });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('pending, running, failed, complete, cancelled');
    const done = await t.call('POST', `/jobs/${id}/complete`, { body: { success: true } });
    expect(done.status).toBe(409);
    expect(done.body.message).toContain('is pending');
  });
});

describe('manifest and job validation', () => {
  const bad = async (gear: object, fragment: string) => {
    const r = await t.call('POST', '/gears/bad-gear', {
      body: { gear: { name: 'bad-gear', version: '1', ...gear } },
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain(fragment);
  };

  it('rejects manifests with bad inputs, config or command', async () => {
    await bad({ inputs: { a: { base: 'folder' } } }, 'manifest input "a" needs "base"');
    await bad({ inputs: { a: { base: 'file', type: 'nifti' } } }, '"type" must be {"enum"');
    await bad({ inputs: { a: { base: 'api-key', type: { enum: [] } } } }, 'only file inputs');
    await bad({ config: { x: { type: 'float' } } }, 'manifest config "x" needs "type"');
    await bad({ config: { x: { type: 'integer', default: 'one' } } }, 'is not of type integer');
    await bad({ config: { x: { type: 'string', enum: ['a'], default: 'b' } } }, 'not in its enum');
    await bad({ command: 42 }, '"command" of gear bad-gear must be a string');
    expect((await t.call('GET', '/gears/bad-gear')).status).toBe(404);
  });

  it('checks required inputs, input file types and config values against the manifest', async () => {
    const r1 = await t.call('POST', '/jobs/add', {
      body: { gear_id: gearId, destination: { type: 'acquisition', id: h.acquisition } },
    });
    expect(r1.status).toBe(400);
    expect(r1.body.message).toContain('input "scan" is required');
    const r2 = await t.call('POST', '/jobs/add', {
      body: { gear_id: gearId, inputs: { scan: { ...scan(), name: 'notes.txt' } } },
    });
    expect(r2.status).toBe(400);
    expect(r2.body.message).toContain('takes files of type nifti');
    const r3 = await t.call('POST', '/jobs/add', {
      body: { gear_id: gearId, inputs: { scan: scan() }, config: { mode: 'medium' } },
    });
    expect(r3.status).toBe(422);
    expect(r3.body.message).toContain('"mode" must be one of "fast", "slow"');
    const id = await newJob({ config: { level: 3 } });
    expect((await t.ok('GET', `/jobs/${id}`)).config.config).toEqual({ level: 3, mode: 'fast' });
  });

  it('makes an analysis for an analysis gear added with /jobs/add', async () => {
    const g = (
      await t.ok('POST', '/gears/ana-gear', {
        body: {
          gear: {
            ...manifest,
            name: 'ana-gear',
            custom: { 'gear-builder': { category: 'analysis' } },
          },
        },
      })
    )._id;
    const id = (
      await t.ok('POST', '/jobs/add', {
        body: {
          gear_id: g,
          inputs: { scan: scan() },
          destination: { type: 'session', id: h.session },
          label: 'my run',
        },
      })
    )._id;
    const job = await t.ok('GET', `/jobs/${id}`);
    expect(job.destination.type).toBe('analysis');
    const analysis = await t.ok('GET', `/analyses/${job.destination.id}`);
    expect(analysis).toMatchObject({ label: 'my run', parent: { type: 'session', id: h.session } });
    expect(analysis.job.id ?? analysis.job).toBe(id);
  });
});

describe('batches of an analysis gear', () => {
  it('runs each proposed job in a new analysis of its target, and cancels them', async () => {
    const p = await t.ok('POST', '/batch', {
      body: {
        gear_id: 'ana-gear',
        targets: [{ type: 'acquisition', id: h.acquisition }],
        analysis: { label: 'batch run' },
      },
    });
    expect(p.matched).toEqual([{ type: 'acquisition', id: h.acquisition }]);
    const jobs = await t.ok('POST', `/batch/${p._id}/run`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].destination.type).toBe('analysis');
    const analysis = await t.ok('GET', `/analyses/${jobs[0].destination.id}`);
    expect(analysis).toMatchObject({ label: 'batch run', parent: { id: h.acquisition } });
    expect(await t.ok('POST', `/batch/${p._id}/cancel`)).toEqual({ number_cancelled: 1 });
    expect((await t.ok('GET', `/jobs/${jobs[0].id}`)).state).toBe('cancelled');
  });
});

describe('engine-side upload: POST /engine', () => {
  it('stores a running job outputs on its destination with .metadata.json applied', async () => {
    // clear the queue so /jobs/next hands out the job made here
    for (const j of await t.ok('GET', '/jobs?filter=state=pending'))
      await t.ok('PUT', `/jobs/${j.id}`, { body: { state: 'cancelled' } });
    const id = await newJob();
    expect((await t.ok('GET', '/jobs/next')).id).toBe(id);
    const metadata = {
      acquisition: {
        tags: ['engine-tag'],
        info: { engine: { ran: true } },
        files: [
          { name: 'out.csv', type: 'tabular data', info: { n: 2 } },
          { name: 'brain.nii.gz', classification: { Intent: ['Structural'] } },
        ],
      },
      session: { info: { seen_by: 'engine-side' } },
    };
    const up = await engineCall(
      `level=acquisition&id=${h.acquisition}&job=${id}`,
      form(
        [
          { name: 'out.csv', data: 'a,b\n1,2\n' },
          { name: 'log.txt', data: 'log' },
        ],
        metadata,
      ),
    );
    expect(up.status).toBe(200);
    expect(up.body.map((f: any) => f.name).sort()).toEqual(['log.txt', 'out.csv']);
    await t.ok('POST', `/jobs/${id}/complete`, { body: { success: true } });
    const job = await t.ok('GET', `/jobs/${id}`);
    expect(job.state).toBe('complete');
    expect(job.saved_files.sort()).toEqual(['log.txt', 'out.csv']);
    expect(job.outputs.map((f: any) => f.name).sort()).toEqual(['log.txt', 'out.csv']);
    const acq = await t.ok('GET', `/acquisitions/${h.acquisition}`);
    expect(acq.tags).toContain('engine-tag');
    expect(acq.info.engine).toEqual({ ran: true });
    const files = Object.fromEntries(acq.files.map((f: any) => [f.name, f]));
    expect(files['out.csv']).toMatchObject({ type: 'tabular data', info: { n: 2 } });
    expect(files['out.csv'].origin).toEqual({ type: 'job', id });
    expect(files['brain.nii.gz'].classification).toEqual({ Intent: ['Structural'] });
    expect((await t.ok('GET', `/sessions/${h.session}`)).info.seen_by).toBe('engine-side');
  });

  it('refuses bad metadata (nothing stored), other destinations and jobs that are not running', async () => {
    const id = await newJob();
    const before = (await t.ok('GET', `/acquisitions/${h.acquisition}`)).files.length;
    const pending = await engineCall(`job=${id}`, form([{ name: 'x.txt', data: 'x' }]));
    expect(pending.status).toBe(409);
    await t.ok('PUT', `/jobs/${id}`, { body: { state: 'running' } });
    const badMeta = await engineCall(
      `job=${id}`,
      form([{ name: 'x.txt', data: 'x' }], { acquisition: { files: [{ type: 'csv' }] } }),
    );
    expect(badMeta.status).toBe(400);
    expect(badMeta.body.message).toContain('needs a "name"');
    const elsewhere = await engineCall(
      `level=session&id=${h.session}&job=${id}`,
      form([{ name: 'x.txt', data: 'x' }]),
    );
    expect(elsewhere.status).toBe(400);
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).files).toHaveLength(before);
    const user = await t.createUser('not-an-engine@example.org');
    const r = await engineCall(`job=${id}`, form([{ name: 'x.txt', data: 'x' }]), user);
    expect(r.status).toBe(403);
  });
});
