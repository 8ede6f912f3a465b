/**
 * Gears end to end: install a gear written in TypeScript (`examples/gears/nifti-summary`, a
 * `GearContext` script), run it on an acquisition's NIfTI image, wait for its job, read the
 * analysis outputs back with `fw.get(analysisId)`, and read the CSV it wrote through a data
 * view. The site must run jobs: the embedded server does with `engine: true`
 * (`fw-server --engine` from the command line).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analysis, ConflictError, type Client, type Gear } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO, demoPath } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

const here = dirname(fileURLToPath(import.meta.url));
const gearDir = join(here, '..', 'gears', 'nifti-summary');
/** The local engine runs `command` with /bin/sh in the job's gear folder: use absolute paths. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
export const GEAR_COMMAND = `${quote(join(here, '..', 'node_modules', '.bin', 'tsx'))} ${quote(join(gearDir, 'run.ts'))}`;

/** Install the gear (or reuse the one installed by an earlier run). */
async function installGear(fw: Client): Promise<Gear> {
  const manifest = JSON.parse(readFileSync(join(gearDir, 'manifest.json'), 'utf8'));
  manifest.command = GEAR_COMMAND;
  try {
    const id = await fw.addGear(manifest.name, {
      category: 'analysis',
      // v21 gear documents carry where the image came from; a local gear has none.
      exchange: { 'git-commit': 'local', 'rootfs-hash': 'sha384:local', 'rootfs-url': 'local' },
      gear: manifest,
    });
    return fw.getGear(id!);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    return fw.gears.findOne(`gear.name=${manifest.name},gear.version=${manifest.version}`);
  }
}

export async function run(fw: Client, report: Report) {
  report.section('Gears: a TypeScript gear on the local engine');

  report.call(`await fw.addGear('nifti-summary', { category: 'analysis', gear: manifest })`);
  const gear = await installGear(fw);
  report.line(`  gear ${gear.gear.name} ${gear.gear.version} (${gear.id}), command: tsx run.ts`);

  const acquisition = await fw.lookup(demoPath.acquisition(DEMO.structural.acquisition));
  const acq = await fw.getAcquisition(acquisition.id);
  const nifti = acq.files!.find((f) => f.name === DEMO.structural.file)!;
  const label = `nifti-summary ${new Date().toISOString()}`;
  report.call(
    `const analysis = await gear.run({ inputs: { nifti: file }, destination: acquisition, analysisLabel })`,
  );
  const made = await gear.run({
    inputs: { nifti },
    destination: acq,
    analysisLabel: label,
    config: { decimals: 2 },
  });
  if (!(made instanceof Analysis)) throw new Error('an analysis gear run makes an analysis');

  report.call('const job = await (await analysis.getJob()).wait({ waitMs: 120_000 })');
  // A bounded poll: a job that never ends fails the example instead of hanging it.
  const job = await (await made.getJob()).wait({ waitMs: 120_000, pollMs: 100 });
  const logs = (await job.getLogs()).map((l) => l.msg.trimEnd());
  report.line(
    `  job ${job.id}: ${job.state === 'complete' ? report.style.green('complete') : report.style.red(String(job.state))}`,
  );
  for (const line of logs) report.line(`  ${report.style.dim('│')} ${line}`);
  if (job.state !== 'complete')
    throw new Error(`the gear's job ended ${job.state}: see its log above`);

  report.call(`const analysis = await fw.get(analysisId)`);
  const analysis = (await fw.get(made.id)) as Analysis;
  const outputs = (analysis.files ?? []).map((f) => ({
    name: f.name,
    type: f.type,
    tags: f.tags ?? [],
  }));
  report.table(
    [
      { header: 'output', value: (f) => f.name },
      { header: 'type', value: (f) => f.type ?? '' },
      { header: 'tags', value: (f) => f.tags.join(', ') },
    ],
    outputs,
  );
  const summary = new TextDecoder().decode(await analysis.readFile('summary.csv'));

  report.call(
    `fw.View({ columns: ['acquisition.label'], container: 'acquisition', filename: 'summary.csv', analysisLabel, processFiles: true, missingDataStrategy: 'drop-row' })`,
  );
  const view = fw.View({
    columns: ['acquisition.label'],
    container: 'acquisition',
    filename: 'summary.csv',
    analysisLabel: label,
    processFiles: true,
    // acquisitions without this analysis give no row
    missingDataStrategy: 'drop-row',
    includeIds: false,
    includeLabels: false,
  });
  const viewRows: Record<string, unknown>[] = [];
  for await (const row of fw.iterViewRows(view, acq.parents!.session!)) viewRows.push(row);
  report.table(
    [
      { header: 'acquisition', value: (r) => String(r['acquisition.label']) },
      { header: 'field', value: (r) => String(r['field']) },
      { header: 'value', value: (r) => String(r['value']) },
    ],
    viewRows,
  );

  const tags = (await fw.getAcquisition(acq.id)).tags ?? [];
  report.line(`  acquisition tags: ${tags.join(', ')}`);
  return {
    gearId: gear.id,
    acquisitionId: acq.id,
    analysisId: analysis.id,
    analysisLabel: analysis.label,
    jobState: job.state,
    logs,
    outputs,
    analysisInfo: analysis.info,
    summaryLines: summary.trim().split('\n'),
    viewRows,
    acquisitionTags: tags,
  };
}

if (isMain(import.meta.url)) await runStandalone(run, { engine: true });
