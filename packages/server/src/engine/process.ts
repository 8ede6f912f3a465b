/**
 * Run a gear command: `/bin/sh -c <command>` in its own process group (so a time-out or a stop
 * kills the shell and everything it started), stdout and stderr streamed to `onOutput` as they
 * arrive, and the outcome reported once every pipe is closed.
 */
import { spawn } from 'node:child_process';

export type RunOutcome =
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout'; limitMs: number }
  | { kind: 'killed'; reason: string }
  | { kind: 'error'; message: string };

export interface RunningCommand {
  /** Kill the process group; the outcome becomes `killed` with this reason. */
  kill(reason: string): void;
  done: Promise<RunOutcome>;
}

export function runCommand(o: {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeLimitMs: number;
  onOutput: (fd: 1 | 2, chunk: string) => void;
}): RunningCommand {
  const child = spawn('/bin/sh', ['-c', o.command], {
    cwd: o.cwd,
    env: o.env,
    detached: true, // a new process group, led by the shell
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let forced: RunOutcome | undefined;
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  child.stdout.setEncoding('utf8').on('data', (s: string) => o.onOutput(1, s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => o.onOutput(2, s));
  const timer = setTimeout(() => {
    forced ??= { kind: 'timeout', limitMs: o.timeLimitMs };
    killGroup();
  }, o.timeLimitMs);
  const done = new Promise<RunOutcome>((res) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      res(forced ?? { kind: 'error', message: err.message });
    });
    // 'close': the process exited and its pipes are drained (every line is logged)
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // children left in the group would otherwise outlive the job
      killGroup();
      if (forced) res(forced);
      else if (code !== null) res({ kind: 'exit', code });
      else res({ kind: 'signal', signal: String(signal) });
    });
  });
  return {
    kill(reason) {
      forced ??= { kind: 'killed', reason };
      killGroup();
    },
    done,
  };
}
