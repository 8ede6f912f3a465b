/**
 * GearContext over a gear folder laid out by hand the way the local engine lays one out
 * (`config.json`, `manifest.json`, `input/<name>/<file>`, `output/`, `work/`); its client
 * talks to a real server with the job's API key.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GearContext, GearContextError } from '../../src/node.js';
import { useServer } from '../helpers/server.js';

const manifest = {
  name: 'ctx-test',
  inputs: {
    image: { base: 'file' },
    mask: { base: 'file', optional: true },
    key: { base: 'api-key' },
    site: { base: 'context' },
    missing: { base: 'context' },
  },
  config: { threshold: { type: 'number', default: 0.5 }, label: { type: 'string' } },
} as const;

describe('GearContext', () => {
  const server = useServer();
  const roots: string[] = [];

  /** A gear folder; `inputs` overrides the config.json inputs. */
  async function gearDir(inputs?: Record<string, unknown>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'fw-gear-ctx-'));
    roots.push(dir);
    for (const d of ['input/image', 'output', 'work'])
      await mkdir(join(dir, d), { recursive: true });
    const imagePath = join(dir, 'input/image/t1.nii.gz');
    await writeFile(imagePath, 'image bytes');
    const config = {
      config: { threshold: 0.7, label: 'x' },
      inputs: inputs ?? {
        image: {
          base: 'file',
          hierarchy: { type: 'acquisition', id: 'a1' },
          location: { path: imagePath, name: 't1.nii.gz' },
          object: { file_id: 'f1', version: 1, type: 'nifti', size: 11, tags: ['t'], info: {} },
        },
        key: { base: 'api-key', key: server.server.apiKey },
        site: { base: 'context', found: true, value: { scanner: 'Prisma' } },
        missing: { base: 'context', found: false },
      },
      destination: { type: 'analysis', id: 'an1' },
      job: { id: 'job1' },
    };
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  }

  afterAll(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  let dir: string;
  let ctx: GearContext<typeof manifest>;
  const logged: string[] = [];
  beforeAll(async () => {
    dir = await gearDir();
    ctx = await GearContext.fromDir<typeof manifest>(dir, {
      logStream: { write: (t: string) => logged.push(t) },
    });
  });

  it('reads config, destination, job and inputs from config.json', () => {
    expect(ctx.dir).toBe(dir);
    expect(ctx.config).toEqual({ threshold: 0.7, label: 'x' });
    expect(ctx.destination).toEqual({ type: 'analysis', id: 'an1' });
    expect(ctx.jobId).toBe('job1');
    expect(ctx.inputNames.sort()).toEqual(['image', 'key', 'missing', 'site']);
    expect(ctx.hasInput('image')).toBe(true);
    expect(ctx.hasInput('mask')).toBe(false);
    expect(ctx.getInput('mask')).toBeUndefined();
    expect(ctx.getInput('image')?.location.name).toBe('t1.nii.gz');
    expect(ctx.getInputPath('image')).toBe(join(dir, 'input/image/t1.nii.gz'));
    expect(ctx.getInputFile('image')).toMatchObject({ name: 't1.nii.gz', type: 'nifti', size: 11 });
  });

  it('opens inputs as streams; a missing input names what the job has', async () => {
    expect(await text(ctx.openInput('image'))).toBe('image bytes');
    expect(() => ctx.getInputPath('mask')).toThrow(GearContextError);
    expect(() => ctx.getInputPath('mask')).toThrow(
      'the job has no input "mask" (it has: image, key, site, missing)',
    );
    expect(() => ctx.getInputPath('key' as never)).toThrow(
      'input "key" is a api-key input, not a file',
    );
  });

  it('context values: found, not found, not a context input', () => {
    expect(ctx.getContextValue('site')).toEqual({ scanner: 'Prisma' });
    expect(() => ctx.getContextValue('missing')).toThrow(/"missing" was not found/);
    expect(() => ctx.getContextValue('image' as never)).toThrow(/not a context input/);
  });

  it('fromDir defaults to $FLYWHEEL and says what to do without a gear folder', async () => {
    const saved = process.env['FLYWHEEL'];
    process.env['FLYWHEEL'] = dir;
    try {
      expect((await GearContext.fromDir()).dir).toBe(dir);
    } finally {
      if (saved === undefined) delete process.env['FLYWHEEL'];
      else process.env['FLYWHEEL'] = saved;
    }
    const empty = await mkdtemp(join(tmpdir(), 'fw-gear-empty-'));
    roots.push(empty);
    const err = await GearContext.fromDir(empty).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GearContextError);
    expect(err).toMatchObject({ code: 'FW_GEAR_CONTEXT' });
    expect((err as Error).message).toMatch(
      /no .*config\.json: run inside a gear folder, set FLYWHEEL/,
    );
    await writeFile(join(empty, 'config.json'), '{"config": {}}');
    await expect(GearContext.fromDir(empty)).rejects.toThrow(/has no destination/);
  });

  it('writes outputs: streams, whole files (no temp left behind), plain names only', async () => {
    const out = ctx.openOutput('a.txt');
    await new Promise<void>((res, rej) =>
      out.end('streamed', (e?: Error | null) => (e ? rej(e) : res())),
    );
    await ctx.writeOutput('b.json', '{"b":1}');
    expect(await readFile(join(dir, 'output/a.txt'), 'utf8')).toBe('streamed');
    expect(await readFile(join(dir, 'output/b.json'), 'utf8')).toBe('{"b":1}');
    expect(await readdir(ctx.workDir)).toEqual([]);
    expect(() => ctx.openOutput('../escape.txt')).toThrow(/must be a plain file name/);
    await expect(ctx.writeOutput('sub/x.txt', 'x')).rejects.toThrow(/must be a plain file name/);
  });

  it('records metadata per level and file, merges updates, writes .metadata.json once asked', async () => {
    const fresh = await GearContext.fromDir(await gearDir());
    expect(await fresh.writeMetadata()).toBe(false);
    expect(await readdir(fresh.outputDir)).toEqual([]);
    fresh.updateDestinationMetadata({ info: { mean: 1 } });
    fresh.updateDestinationMetadata({ tags: ['done'] });
    fresh.updateFileMetadata('summary.csv', { type: 'tabular data', tags: ['a'] });
    fresh.updateFileMetadata('summary.csv', { tags: ['b'], info: { rows: 2 } });
    fresh.updateContainerMetadata('session', { info: { checked: true } });
    const update = { info: { nested: { x: 1 } } };
    fresh.updateContainerMetadata('acquisition', update);
    update.info.nested.x = 2; // recorded values are copies
    expect(() => fresh.updateContainerMetadata('session', { files: [] })).toThrow(
      /updateFileMetadata/,
    );
    expect(await fresh.writeMetadata()).toBe(true);
    const written = await readFile(join(fresh.outputDir, '.metadata.json'), 'utf8');
    expect(written).toContain('\n  "analysis": {');
    expect(JSON.parse(written)).toEqual({
      analysis: {
        info: { mean: 1 },
        tags: ['done'],
        files: [{ name: 'summary.csv', type: 'tabular data', tags: ['b'], info: { rows: 2 } }],
      },
      session: { info: { checked: true } },
      acquisition: { info: { nested: { x: 1 } } },
    });
    expect((await readdir(fresh.outputDir)).sort()).toEqual(['.metadata.json']);
  });

  it('logs to its stream by level and never writes the API key', () => {
    logged.length = 0;
    ctx.log.info('starting');
    ctx.log.debug('hidden at info level');
    ctx.log.warn(`careless: ${server.server.apiKey}`);
    const secret = server.server.apiKey.slice(server.server.apiKey.lastIndexOf(':') + 1);
    ctx.log.error(`secret alone: ${secret}`);
    ctx.logConfig();
    expect(logged.slice(0, 3)).toEqual([
      'INFO starting\n',
      'WARN careless: ***\n',
      'ERROR secret alone: ***\n',
    ]);
    expect(logged.join('')).toContain('INFO input image: t1.nii.gz (from acquisition a1)');
    expect(logged.join('')).toContain('INFO config threshold: 0.7');
    expect(logged.join('')).not.toContain(secret);
  });

  it('client: made once from the api-key input, reaches the site; without one, a clear error', async () => {
    const me = await ctx.client.getCurrentUser();
    expect(me.id).toBe((await server.fw.getCurrentUser()).id);
    expect(ctx.client).toBe(ctx.client);
    const noKey = await GearContext.fromDir(await gearDir({}));
    expect(() => noKey.client).toThrow(/no api-key input: declare one in the manifest/);
  });

  it('GearContext.run writes metadata on success; a failure logs, writes nothing and sets exit code 1', async () => {
    const okDir = await gearDir();
    await GearContext.run(async (c) => c.updateDestinationMetadata({ tags: ['ok'] }), okDir);
    expect(JSON.parse(await readFile(join(okDir, 'output/.metadata.json'), 'utf8'))).toEqual({
      analysis: { tags: ['ok'] },
    });
    const badDir = await gearDir();
    const lines: string[] = [];
    const saved = process.exitCode;
    try {
      await GearContext.run(
        async (c) => {
          c.updateDestinationMetadata({ tags: ['never'] });
          throw new Error('boom');
        },
        badDir,
        { logStream: { write: (t: string) => lines.push(t) } },
      );
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = saved;
    }
    expect(lines).toEqual(['ERROR boom\n']);
    expect(await readdir(join(badDir, 'output'))).toEqual([]);
  });
});
