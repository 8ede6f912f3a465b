/**
 * The smoke script (smoke.ts) under Bun (both entries) and Deno (neutral entry, least
 * permissions), against @fw/server started here under Node.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@fw/server';
import { Client } from '@fw/sdk/node';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = (name: string) => `${here}node_modules/.bin/${name}`;
const SIZE = 1024 * 1024 + 3;

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
  const admin = new Client(server.apiKey);
  await admin.addGroup({ _id: 'runtimes', label: 'Runtimes' });
  await admin.addProject({ group: 'runtimes', label: 'Smoke' });
});
afterAll(() => server?.close());

/** Run a command with only the env the smoke script needs; resolve with its exit code and output. */
function run(
  cmd: string,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: here,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        FW_API_KEY: server.apiKey,
        FW_GROUP: 'runtimes',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

function expectSmoke(r: { code: number | null; out: string; err: string }) {
  expect(r.code, r.err).toBe(0);
  const answer = JSON.parse(r.out.trim().split('\n').at(-1)!);
  expect(answer).toMatchObject({
    user: 'admin@local.flywheel',
    projects: ['Smoke'],
    saved: [['smoke.bin', SIZE]],
    same: true,
    status: 404,
    isNotFound: true,
  });
  // streamed: progress as the body goes (several events), ending at the multipart body's size
  expect(answer.progressEvents).toBeGreaterThan(2);
  expect(answer.lastProgress).toBeGreaterThan(SIZE);
  return answer;
}

describe('Bun', () => {
  it('the neutral entry (@fw/sdk)', async () => {
    expectSmoke(await run(bin('bun'), ['smoke-neutral.ts']));
  });
  it('the Node entry (@fw/sdk/node)', async () => {
    expectSmoke(await run(bin('bun'), ['smoke-node.ts']));
  });
});

describe('Deno', () => {
  const deno = (perms: string[]) =>
    run(bin('deno'), ['run', '--no-prompt', ...perms, 'smoke-neutral.ts']);

  it('the neutral entry with --allow-net=127.0.0.1 and --allow-env limited to its two variables, no --allow-read', async () => {
    expectSmoke(await deno(['--allow-net=127.0.0.1', '--allow-env=FW_API_KEY,FW_GROUP']));
  });

  it('those permissions are what it needs: without --allow-net it fails', async () => {
    const r = await deno(['--allow-env=FW_API_KEY,FW_GROUP']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/NotCapable|net access/i);
  });
});
