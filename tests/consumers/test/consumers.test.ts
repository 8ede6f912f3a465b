/**
 * Installs what we would publish: packs @fw/api, @fw/sdk and @fw/server with `pnpm pack` (which
 * rewrites `workspace:` ranges), installs the tarballs with plain npm into fresh projects (ESM,
 * CommonJS, TypeScript node16 both ways, TypeScript bundler), typechecks the TypeScript ones with
 * `skipLibCheck: false`, and runs the smoke script in each against a server started from the
 * @fw/server tarball's `fw-server` bin. Also lints each tarball with publint and attw.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeSource, type Style } from '../src/smoke.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const bin = (name: string) => join(here, '..', 'node_modules', '.bin', name);
const PACKAGES = ['api', 'sdk', 'server'] as const;
const version = (p: string) =>
  (
    JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** pnpm as the test command runs it (npm_execpath), else the pinned one through npx. */
function pnpm(args: string[]): [string, string[]] {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(exec)) return [process.execPath, [exec, ...args]];
  return ['npx', ['-y', 'pnpm@10.34.9', ...args]];
}

// npm: no audit/fund, the local cache first; no install scripts (nothing here needs one but
// better-sqlite3, whose addon the workspace install already compiled; see copyAddon).
const NPM_FLAGS = [
  '--prefer-offline',
  '--no-audit',
  '--no-fund',
  '--ignore-scripts',
  '--loglevel=error',
];

let work: string;
const tarballs: Record<(typeof PACKAGES)[number], string> = { api: '', sdk: '', server: '' };
let server: ChildProcess | undefined;
let apiKey = '';

async function npmInstall(dir: string, deps: string[]): Promise<void> {
  await run('npm', ['install', ...NPM_FLAGS, ...deps], { cwd: dir, maxBuffer: 1 << 24 });
}

/** Reuse the workspace's compiled better-sqlite3 addon (same pinned version, same Node). */
function copyAddon(project: string): void {
  const serverRequire = createRequire(join(root, 'packages/server/package.json'));
  const source = dirname(serverRequire.resolve('better-sqlite3/package.json'));
  const target = join(project, 'node_modules/better-sqlite3');
  const v = (d: string) =>
    (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { version: string }).version;
  expect(v(target)).toBe(v(source));
  cpSync(join(source, 'build'), join(target, 'build'), { recursive: true });
}

function project(name: string, pkg: object, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, ...pkg }, null, 2),
  );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

async function smoke(dir: string, script: string, name: string) {
  const out = join(dir, 'downloaded.txt');
  const { stdout } = await run(process.execPath, [script], {
    cwd: dir,
    env: { ...process.env, FW_API_KEY: apiKey, SMOKE_NAME: name, SMOKE_OUT: out, NODE_OPTIONS: '' },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  expect(result).toEqual({
    user: expect.any(String),
    apiUser: result.user,
    project: 'smoke project',
    uploaded: ['hello.txt'],
    memory: `hello from ${name}`,
    disk: `hello from ${name}`,
    status: 404,
    version: version('sdk'),
  });
  expect(existsSync(out)).toBe(true);
}

const tsconfig = (compilerOptions: object) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      skipLibCheck: false,
      outDir: 'dist',
      rootDir: 'src',
      ...compilerOptions,
    },
    include: ['src'],
  });

async function tsProject(name: string, type: 'module' | 'commonjs', compilerOptions: object) {
  const dir = project(
    name,
    { type },
    {
      'tsconfig.json': tsconfig(compilerOptions),
      'src/smoke.ts': smokeSource('esm'),
    },
  );
  await npmInstall(dir, [tarballs.api, tarballs.sdk, '@types/node@^20.19.0']);
  // typecheck and emit with the workspace's TypeScript (pinned), against the installed packages
  await run(process.execPath, [join(here, '../node_modules/typescript/bin/tsc'), '-p', dir], {
    cwd: dir,
  }).catch((error: { stdout?: string }) => {
    throw new Error(`tsc failed in ${name}:\n${error.stdout ?? String(error)}`);
  });
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'fw-consumers-'));
  const packs = join(work, 'packs');
  mkdirSync(packs);
  for (const p of PACKAGES) {
    const [cmd, args] = pnpm(['pack', '--pack-destination', packs]);
    await run(cmd, args, { cwd: join(root, 'packages', p) });
    tarballs[p] = join(packs, `fw-${p}-${version(p)}.tgz`);
    expect(existsSync(tarballs[p])).toBe(true);
  }

  // the server, from its tarball
  const serverDir = project('server', { type: 'module' }, {});
  await npmInstall(serverDir, [tarballs.api, tarballs.server]);
  copyAddon(serverDir);
  server = spawn(
    join(serverDir, 'node_modules/.bin/fw-server'),
    ['--port', '0', '--data', join(work, 'site')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  apiKey = await new Promise<string>((resolveKey, reject) => {
    let text = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /API key: (\S+)/.exec(text);
      if (match) resolveKey(match[1]!);
    });
    server!.on('exit', (code) => reject(new Error(`fw-server exited with ${code}`)));
  });
});

afterAll(() => {
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('tarballs', () => {
  it('carry no workspace: ranges and pin @fw/api to its version', async () => {
    for (const p of ['sdk', 'server'] as const) {
      // the sources say workspace:*; the tarball must not
      expect(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).toContain(
        'workspace:',
      );
      const { stdout } = await run('tar', ['-xOf', tarballs[p], 'package/package.json']);
      expect(stdout).not.toContain('workspace:');
      const manifest = JSON.parse(stdout) as { dependencies: Record<string, string> };
      expect(manifest.dependencies['@fw/api']).toBe(version('api'));
    }
  });

  it.each(PACKAGES)('@fw/%s passes publint --strict', async (p) => {
    const { stdout } = await run(bin('publint'), ['--strict', tarballs[p]]);
    expect(stdout).toContain('All good!');
  });

  it.each(PACKAGES)('@fw/%s passes attw (node10, node16 CJS and ESM, bundler)', async (p) => {
    const { stdout } = await run(bin('attw'), [tarballs[p], '--format', 'table-flipped']);
    expect(stdout).toContain('No problems found');
  });
});

describe('release dry run', () => {
  it('changeset version then pack yields tarballs with the bumped versions and no workspace: ranges', async () => {
    // a copy of the workspace's manifests and changesets, so the real tree is left untouched
    const copy = join(work, 'release');
    cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true });
    for (const file of ['package.json', 'pnpm-workspace.yaml'])
      cpSync(join(root, file), join(copy, file));
    for (const dir of [
      'packages/api',
      'packages/sdk',
      'packages/server',
      'tools',
      'examples',
      'bench',
      'tests/consumers',
    ]) {
      if (!existsSync(join(root, dir, 'package.json'))) continue;
      mkdirSync(join(copy, dir), { recursive: true });
      cpSync(join(root, dir, 'package.json'), join(copy, dir, 'package.json'));
    }
    await run(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: copy });
    const bumped = (p: string) =>
      (
        JSON.parse(readFileSync(join(copy, 'packages', p, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(bumped('api')).not.toBe(version('api'));
    // pnpm pack resolves workspace: ranges through the linked packages, as an install would link them
    for (const p of ['sdk', 'server']) {
      mkdirSync(join(copy, 'packages', p, 'node_modules/@fw'), { recursive: true });
      for (const dep of ['api', 'server']) {
        if (dep !== p)
          symlinkSync(
            join(copy, 'packages', dep),
            join(copy, 'packages', p, 'node_modules/@fw', dep),
          );
      }
    }
    const out = join(copy, 'packs');
    for (const p of PACKAGES) {
      const [cmd, args] = pnpm(['pack', '--pack-destination', out]);
      await run(cmd, args, { cwd: join(copy, 'packages', p) });
      const { stdout } = await run('tar', [
        '-xOf',
        join(out, `fw-${p}-${bumped(p)}.tgz`),
        'package/package.json',
      ]);
      expect(stdout).not.toContain('workspace:');
      const manifest = JSON.parse(stdout) as { dependencies?: Record<string, string> };
      if (p !== 'api') expect(manifest.dependencies?.['@fw/api']).toBe(bumped('api'));
    }
  });
});

describe('consumer projects', () => {
  it('ESM JavaScript', async () => {
    const dir = project('esm-js', { type: 'module' }, { 'smoke.mjs': smokeSource('esm') });
    await npmInstall(dir, [tarballs.api, tarballs.sdk]);
    await smoke(dir, 'smoke.mjs', 'esm-js');
  });

  it('CommonJS JavaScript (require)', async () => {
    const dir = project('cjs-js', { type: 'commonjs' }, { 'smoke.cjs': smokeSource('cjs') });
    await npmInstall(dir, [tarballs.api, tarballs.sdk]);
    await smoke(dir, 'smoke.cjs', 'cjs-js');
    // its lazy parts load with require: no import() a CommonJS-only loader (Jest's) cannot run
    const dist = join(dir, 'node_modules/@fw/sdk/dist');
    const cjs = readdirSync(dist).filter((f) => f.endsWith('.cjs'));
    expect(cjs.length).toBeGreaterThan(2);
    const lazy = cjs.filter((f) =>
      /require\("(@fw\/api\/operations|\.\/upload-flow-[^"]+)"\)/.test(
        readFileSync(join(dist, f), 'utf8'),
      ),
    );
    expect(lazy.length).toBeGreaterThan(0);
    for (const f of cjs) expect(readFileSync(join(dist, f), 'utf8')).not.toMatch(/\bimport\(/);
    // and so does @fw/api's (its lazy parts are inlined in each CommonJS entry)
    const apiDist = join(dir, 'node_modules/@fw/api/dist');
    for (const f of readdirSync(apiDist).filter((name) => name.endsWith('.cjs')))
      expect(readFileSync(join(apiDist, f), 'utf8')).not.toMatch(/\bimport\(/);
  });

  it('TypeScript, module node16, type module', async () => {
    const dir = await tsProject('ts-node16-esm', 'module', {
      module: 'node16',
      moduleResolution: 'node16',
    });
    await smoke(dir, 'dist/smoke.js', 'ts-node16-esm');
  });

  it('TypeScript, module node16, type commonjs', async () => {
    const dir = await tsProject('ts-node16-cjs', 'commonjs', {
      module: 'node16',
      moduleResolution: 'node16',
    });
    expect(readFileSync(join(dir, 'dist/smoke.js'), 'utf8')).toContain('require("@fw/sdk")');
    await smoke(dir, 'dist/smoke.js', 'ts-node16-cjs');
  });

  it('TypeScript, moduleResolution bundler', async () => {
    const dir = await tsProject('ts-bundler', 'module', {
      module: 'esnext',
      moduleResolution: 'bundler',
    });
    await smoke(dir, 'dist/smoke.js', 'ts-bundler');
  });
});
