/**
 * Gears and jobs: the registered gears, and the jobs that ran them. `iterFind('state=failed')`
 * walks every failed job page by page; a job's logs say why it failed.
 */
import type { Client, JobListOutput } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

export async function run(fw: Client, report: Report) {
  report.section('Gears and failed jobs');

  report.call('await fw.gears()');
  const gears = await fw.gears();
  report.table(
    [
      { header: 'gear', value: (g) => g.gear.name },
      { header: 'version', value: (g) => g.gear.version },
      { header: 'category', value: (g) => g.category },
      { header: 'label', value: (g) => g.gear.label },
    ],
    gears,
  );

  report.call(`for await (const job of fw.jobs.iterFind('state=failed')) …`);
  // Finder items are the list form of a job (v21 JobListOutput).
  const failed: JobListOutput[] = [];
  for await (const job of fw.jobs.iterFind('state=failed')) failed.push(job);
  // Jobs name their destination by id; fetch the labels for a readable table.
  const destinationLabels = new Map<string, string>();
  for (const job of failed) {
    const id = job.destination?.id;
    if (id && !destinationLabels.has(id))
      destinationLabels.set(id, String((await fw.get(id)).label ?? id));
  }
  report.table(
    [
      { header: 'job', value: (j) => j.id },
      { header: 'gear', value: (j) => j.gear_info?.name ?? j.gear_id },
      { header: 'state', value: (j) => report.style.red(j.state ?? '') },
      {
        header: 'destination',
        value: (j) =>
          j.destination
            ? `${j.destination.type} ${destinationLabels.get(j.destination.id) ?? j.destination.id}`
            : '',
      },
    ],
    failed,
  );

  const logs: { jobId: string; lines: string[] }[] = [];
  for (const job of failed) {
    report.call(`await job.getLogs()  // ${job.id}`);
    const lines = ((await job.getLogs()) ?? []).map((entry) => entry.msg.trimEnd());
    for (const line of lines) report.line(`  ${report.style.dim('│')} ${line}`);
    logs.push({ jobId: job.id, lines });
  }

  report.call(`await fw.jobs.find('state=complete')`);
  const complete = await fw.jobs.find('state=complete');
  report.line(`  ${complete.length} completed job(s)`);

  return {
    gearNames: gears.map((g) => g.gear.name),
    failedJobIds: failed.map((j) => j.id),
    failedStates: failed.map((j) => j.state),
    logs,
    completeJobIds: complete.map((j) => j.id),
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
