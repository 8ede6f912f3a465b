import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const exec = promisify(execFile);
const examplesDir = join(import.meta.dirname, '..');

/** Runs `tsx demo.ts` as `pnpm demo` does (after the build), with piped output. */
async function runDemo(args: string[] = []) {
  return exec(process.execPath, ['--import', 'tsx', join(examplesDir, 'demo.ts'), ...args], {
    cwd: examplesDir,
    env: { ...process.env, NO_COLOR: '1', FW_API_KEY: '' },
  });
}

test('the demo seeds its own server, runs the quickstart and exits 0 with plain output', async () => {
  const { stdout } = await runDemo();
  expect(stdout).toContain('20 subjects');
  expect(stdout).toContain('13. Error handling with ApiError');
  expect(stdout).toMatch(/Data views[\s\S]*heart_rate/);
  expect(stdout).toMatch(/Gears: a TypeScript gear on the local engine[\s\S]*job \w+: complete/);
  expect(stdout).toMatch(/summary\.csv +tabular data +nifti-summary/);
  expect(stdout).toMatch(/Demo finished in [\d.]+ s\./);
  expect(stdout).not.toMatch(/\u001b\[/);
}, 60_000);

test('with --data the site is kept and a second run reuses it', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'fw-demo-data-'));
  try {
    // `pnpm demo -- --data DIR` hands the script a leading `--`.
    expect((await runDemo(['--', '--data', dataDir])).stdout).toContain('20 subjects');
    expect((await runDemo(['--data', dataDir])).stdout).toContain('already seeded');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 120_000);

test('a topic file runs standalone, starting its own embedded server', async () => {
  const { stdout } = await exec(
    process.execPath,
    ['--import', 'tsx', join(examplesDir, 'topics', 'errors.ts')],
    {
      cwd: examplesDir,
      env: { ...process.env, NO_COLOR: '1', FW_API_KEY: '' },
    },
  );
  expect(stdout).toContain('embedded server at http://127.0.0.1:');
  expect(stdout).toMatch(/err\.status +404/);
  expect(stdout).toMatch(/err\.reason +project 0+ not found/);
}, 60_000);
