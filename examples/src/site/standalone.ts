/**
 * Running an example file by itself (`tsx examples/topics/files.ts`): against the site named by
 * `FW_API_KEY` when set (the demo site is seeded there if missing), otherwise against an embedded
 * server started for the run.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@fw/sdk/node';
import { consoleReport, type Report } from '../format/report.ts';
import { ensureDemoSite } from '../seed/seed-site.ts';
import { startDemoServer, type EngineSetting } from './demo-server.ts';

/** Every example has this shape; what it returns is what the tests check. */
export type Example<Result> = (
  client: Client,
  report: Report,
  connection: { apiKey: string },
) => Promise<Result>;

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  return real(fileURLToPath(moduleUrl)) === real(script);
}

/** Report an error as one clear line (plus the HTTP status for API errors) and set exit code 1. */
export function reportFailure(report: Report, err: unknown): void {
  const status = (err as { status?: number }).status;
  const message = err instanceof Error ? err.message : String(err);
  report.fail(`${status ? `HTTP ${status}: ` : ''}${message}`);
  if (process.env['DEBUG'] && err instanceof Error && err.stack) report.line(err.stack);
  process.exitCode = 1;
}

export async function runStandalone<Result>(
  example: Example<Result>,
  /** Options of the embedded server (e.g. `{ engine: true }` for examples that run gears). */
  serverOptions: { engine?: EngineSetting } = {},
): Promise<void> {
  const report = consoleReport();
  const apiKey = process.env['FW_API_KEY'];
  try {
    if (apiKey) {
      const client = new Client(apiKey);
      await ensureDemoSite(client);
      await example(client, report, { apiKey });
      return;
    }
    const server = await startDemoServer(serverOptions);
    try {
      report.line(
        report.style.dim(`(embedded server at ${server.url}; set FW_API_KEY to use another site)`),
      );
      await example(server.client, report, { apiKey: server.apiKey });
    } finally {
      await server.close();
    }
  } catch (err) {
    reportFailure(report, err);
  }
}
