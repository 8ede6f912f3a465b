/**
 * `pnpm demo`: start a local Flywheel-compatible server in this process, seed a small realistic
 * site, and run the quickstart against it. No Flywheel site or network needed.
 *
 *   tsx examples/demo.ts [--data DIR]   (--data keeps the site in DIR for `pnpm server --data DIR`)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleReport } from './src/format/report.ts';
import { startDemoServer, type DemoServer } from './src/site/demo-server.ts';
import { reportFailure } from './src/site/standalone.ts';
import { run as runQuickstart } from './quickstart.ts';
import { run as runViews } from './topics/views.ts';
import { run as runGears } from './topics/gears.ts';

const USAGE = `Usage: pnpm demo [--data DIR]

  --data DIR  keep the demo site in DIR (default: a temporary folder, removed at the end)
`;

function parseOptions(): { dataDir?: string } {
  // `pnpm demo -- --data DIR` passes the `--` through; accept it as well as `pnpm demo --data DIR`.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  return values.data ? { dataDir: resolve(values.data) } : {};
}

async function main(): Promise<void> {
  const started = performance.now();
  const report = consoleReport();
  const { style } = report;
  let options: { dataDir?: string };
  try {
    options = parseOptions();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  report.line(style.bold('Flywheel TypeScript SDK: demo'));
  report.line(
    style.dim(
      'A local Flywheel-compatible server runs inside this process; nothing leaves your machine.',
    ),
  );
  report.line();
  let server: DemoServer | undefined;
  try {
    const seeding = report.progress('Seeding subjects', 'items');
    let seeded = false;
    server = await startDemoServer({
      ...options,
      // the local engine runs the gears section's TypeScript gear
      engine: true,
      onSubject: (done, total) => {
        seeded = true;
        seeding.update({ loaded: done, total });
      },
    });
    if (seeded) seeding.done();
    report.fields([
      ['server', server.url],
      ['data folder', `${server.dataDir}${options.dataDir ? '' : ' (temporary)'}`],
      [
        'site',
        server.seeded === 'already-seeded'
          ? 'already seeded (kept from an earlier run)'
          : `${server.seeded.projects.length} projects, ${server.seeded.subjects} subjects, ${server.seeded.sessions} sessions, ` +
            `${server.seeded.acquisitions} acquisitions, ${server.seeded.files} files, 1 gear, 2 jobs`,
      ],
    ]);

    await runQuickstart(server.client, report);
    // beyond the quick reference: data views over the demo site (examples/topics/views.ts)
    await runViews(server.client, report);
    // gears: a TypeScript gear run by the local engine (examples/topics/gears.ts)
    await runGears(server.client, report);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    report.line();
    report.ok(style.bold(`Demo finished in ${seconds} s.`));
    const serverCommand = `npx -y pnpm@10.34.9 serve${options.dataDir ? ` --data ${options.dataDir}` : ''}`;
    report.line(
      `  Next: read examples/topics/*.ts, or keep a server running with ${style.yellow(serverCommand)}`,
    );
    report.line(
      `  and point any example at it: ${style.yellow('FW_API_KEY=<key it prints> npx tsx examples/topics/files.ts')}`,
    );
  } catch (err) {
    report.line();
    reportFailure(report, err);
    report.line(style.dim('  (set DEBUG=1 for the stack trace)'));
  } finally {
    await server?.close();
  }
}

await main();
