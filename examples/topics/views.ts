/**
 * Data views: build a view (`fw.View`), run it on a project and read the rows (`iterViewRows`),
 * read a CSV attached to every session (a file-processing view), group with an accumulator,
 * save a view and run it by id, and list the columns a view can use.
 */
import type { Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

export async function run(fw: Client, report: Report) {
  report.section('Data views');
  const project = await fw.projects.findOne(`group=${DEMO.group},label=${DEMO.project}`);

  report.call(
    `const view = fw.View({ columns: ['subject.label', 'session.label', 'subject.info.handedness', 'session.age_years'], includeIds: false })`,
  );
  const view = fw.View({
    columns: ['subject.label', 'session.label', 'subject.info.handedness', 'session.age_years'],
    includeIds: false,
    includeLabels: false,
  });
  report.call('for await (const row of fw.iterViewRows(view, project.id)) …');
  const rows: Record<string, unknown>[] = [];
  for await (const row of fw.iterViewRows(view, project.id)) rows.push(row);
  report.table(
    [
      { header: 'subject', value: (r) => String(r['subject.label']) },
      { header: 'session', value: (r) => String(r['session.label']) },
      { header: 'handedness', value: (r) => String(r['subject.info.handedness']) },
      { header: 'age (y)', value: (r) => String(r['session.age_years']), align: 'right' },
    ],
    rows.slice(0, 5),
  );
  report.line(`  ${rows.length} rows`);

  report.call(
    `fw.View({ columns: ['subject.label', 'session.label'], container: 'session', filename: 'vitals.csv' })`,
  );
  const vitals = fw.View({
    columns: ['subject.label', 'session.label'],
    container: 'session',
    filename: 'vitals.csv',
    includeIds: false,
    includeLabels: false,
  });
  const csv = await new Response(
    await fw.readViewData(vitals, project.id, { format: 'csv' }),
  ).text();
  const csvLines = csv.trim().split('\n');
  report.line(
    csvLines
      .slice(0, 5)
      .map((l) => `  ${l}`)
      .join('\n'),
  );

  report.call(
    `fw.View({ columns: [{ src: 'subject.info.gad7', dst: 'mean_gad7', accumulator: 'mean' }], groupBy: 'subject.sex' })`,
  );
  const bySex = fw.View({
    columns: [{ src: 'subject.info.gad7', dst: 'mean_gad7', accumulator: 'mean' }],
    groupBy: 'subject.sex',
    includeIds: false,
    includeLabels: false,
  });
  const groups: Record<string, unknown>[] = [];
  for await (const g of fw.iterViewRows(bySex, project.id)) groups.push(g);
  for (const g of groups)
    report.line(`  ${String(g['subject.sex'])}: ${Number(g.mean_gad7).toFixed(2)}`);

  report.call(`const id = await fw.addView(project.id, view.label('ages').build())`);
  const id = (await fw.addView(project.id, view.label('ages').build() as never)) as string;
  let saved = 0;
  for await (const _ of fw.iterViewRows(id, project.id)) saved++;
  report.line(`  saved view ${id}: ${saved} rows`);
  await fw.deleteView(id);

  report.call(`await fw.getViewColumns('age')`);
  const columns = await fw.getViewColumns('age');
  report.line(`  ${columns.map((c) => c.name).join(', ')}`);

  return { rows, csvLines, groups, saved, columns: columns.map((c) => c.name) };
}

if (isMain(import.meta.url)) await runStandalone(run);
