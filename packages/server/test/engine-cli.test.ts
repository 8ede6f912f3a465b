import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `fw-server --engine` end to end: the CLI in a child process, a gear whose command is `echo`
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function run(args: string[]) {
  const child = spawn(tsx, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, exit, out: () => out, err: () => err };
}

describe('fw-server --engine', () => {
  it('rejects a bad --engine-time-limit, and one without --engine (exit 2)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'fw-engine-cli-'));
    try {
      const zero = run(['--data', data, '--engine', '--engine-time-limit', '0']);
      expect(await zero.exit).toBe(2);
      expect(zero.err()).toContain('invalid --engine-time-limit 0: give a number of seconds');
      const alone = run(['--data', data, '--engine-time-limit', '5']);
      expect(await alone.exit).toBe(2);
      expect(alone.err()).toContain('--engine-time-limit needs --engine');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('runs a local gear job to complete', async () => {
    const data = mkdtempSync(join(tmpdir(), 'fw-engine-cli-'));
    const p = run(['--data', data, '--engine', '--engine-time-limit', '60']);
    try {
      await new Promise<void>((res, rej) => {
        p.child.stdout.on('data', () => /API key: \S+/.test(p.out()) && res());
        void p.exit.then((code) => rej(new Error(`cli exited ${code}: ${p.err()}`)));
      });
      expect(p.out()).toContain('Local engine: on');
      const url = /listening on (\S+)/.exec(p.out())![1]!;
      const key = /API key: (\S+)/.exec(p.out())![1]!;
      const call = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(url + path, {
          method,
          headers: { Authorization: `scitran-user ${key}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(r.status, `${method} ${path}`).toBeLessThan(300);
        return (await r.json()) as any;
      };
      await call('POST', '/groups', { _id: 'cli-engine', label: 'CLI engine' });
      const project = (await call('POST', '/projects', { group: 'cli-engine', label: 'P' }))._id;
      const gear = (
        await call('POST', '/gears/echo-gear', {
          gear: { name: 'echo-gear', version: '1', command: 'echo "hello from $FW_LOCAL_ENGINE"' },
        })
      )._id;
      const job = (
        await call('POST', '/jobs/add', {
          gear_id: gear,
          destination: { type: 'project', id: project },
        })
      )._id;
      let state = 'pending';
      for (let i = 0; i < 600 && (state === 'pending' || state === 'running'); i++) {
        await new Promise((r) => setTimeout(r, 20));
        state = (await call('GET', `/jobs/${job}`)).state;
      }
      expect(state).toBe('complete');
      expect((await call('GET', `/jobs/${job}/logs`)).logs).toEqual([
        { fd: 1, msg: 'hello from 1\n' },
      ]);
    } finally {
      p.child.kill('SIGTERM');
      await p.exit;
      rmSync(data, { recursive: true, force: true });
    }
  });
});
