/** Start `@fw/server` in a child process (see server-child.ts) and stop it again. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  apiKey: string;
  pid: number;
  stop(): Promise<void>;
}

/** `dataDir`: keep the server's data there (the caller removes it) instead of a temp dir. */
export async function startServerProcess(
  options: { dataDir?: string } = {},
): Promise<ServerProcess> {
  const args = options.dataDir ? [options.dataDir] : [];
  const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), args, {
    execArgv: ['--import', import.meta.resolve('tsx')], // the child runs TypeScript too
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; apiKey: string }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
  });
  return {
    ...info,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
