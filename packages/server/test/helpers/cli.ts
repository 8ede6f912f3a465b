/**
 * The real `fw-server` command (`src/cli.ts` under tsx) as a child process, for the tests that
 * need a process of its own (kill -9, command-line flags). Children still running at the end
 * of the file are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Start `fw-server ARGS…`; its stdout and stderr are piped. */
export function spawnCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Resolves with the URL and the key (last segment) once the server prints them (30 s at most). */
export function listening(child: ChildProcess): Promise<{ url: string; key: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const url = /listening on (\S+)/.exec(out)?.[1];
      const key = /API key: (\S+)/.exec(out)?.[1];
      if (url && key) {
        clearTimeout(timer);
        resolve({ url, key: key.split(':').pop()! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}
