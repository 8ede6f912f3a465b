/**
 * Issue 13, defect 10 from the command line: `fw-server --idle-timeout/--headers-timeout/
 * --request-timeout` reach the server's time bounds, and a bad value is refused naming the flag.
 * Runs the real CLI (`src/cli.ts`) as a child process; every wait is bounded.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listening, spawnCli } from './helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fw-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Resolves with the exit code and stderr of a CLI run expected to stop by itself. */
function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`CLI did not exit: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('fw-server time-bound flags', () => {
  it('--idle-timeout 300 closes a connection that sends half its headers and then nothing', async () => {
    const args = ['--port', '0', '--data', dataDir, '--idle-timeout', '300'];
    const url = new URL((await listening(spawnCli([...args, '--headers-timeout', '60000']))).url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
    // half the headers, then silence: nothing is answered, so only a time bound can end this
    socket.write(`GET /api/version HTTP/1.1\r\nHost: ${url.host}\r\n`);
    const started = Date.now();
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.on('data', () => undefined).on('error', () => undefined);
    });
    socket.destroy();
    // the default idle bound is 30 s and the headers bound here is 60 s: closing within the
    // 10 s wait can only come from the flag
    expect(closed).toBe(true);
    console.log(`idle connection closed after ${Date.now() - started} ms`);
  }, 60_000);

  it.each([
    [['--idle-timeout', 'soon'], /--idle-timeout "soon": expected milliseconds/],
    [['--headers-timeout', '0'], /--headers-timeout "0": expected milliseconds/],
    [['--request-timeout=-5'], /--request-timeout "-5": expected milliseconds/],
    [['--request-timeout', '1000'], /--request-timeout 1000 is shorter than the headers bound/],
  ])(
    'refuses %j naming the flag',
    async (args, message) => {
      const { code, stderr } = await exited(spawnCli(['--port', '0', '--data', dataDir, ...args]));
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toContain('Usage: fw-server');
    },
    60_000,
  );

  it('--help lists the three flags', async () => {
    const child = spawnCli(['--help']);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += String(d)));
    const { code } = await exited(child);
    expect(code).toBe(0);
    for (const flag of ['--headers-timeout MS', '--request-timeout MS', '--idle-timeout MS'])
      expect(out).toContain(flag);
  }, 60_000);
});
