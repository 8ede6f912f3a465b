/**
 * Finders: `fw.projects`, `project.subjects`, … Called directly they list; `find` filters
 * (`field<op>value`, comma = AND), `sort` orders, `=~` matches a regular expression, and dates
 * compare as dates. `findFirst`, `findOne` and `iterFind` pick one or stream the matches.
 */
import type { Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

export async function run(fw: Client, report: Report) {
  report.section('Finders: filters, sort, regular expressions and dates');

  report.call('await fw.groups()');
  const groups = await fw.groups();
  report.table(
    [
      { header: 'group id', value: (g) => g.id },
      { header: 'label', value: (g) => g.label },
    ],
    groups,
  );

  report.call(`await fw.projects.find('group=${DEMO.group}', { sort: 'label:asc' })`);
  const projects = await fw.projects.find(`group=${DEMO.group}`, { sort: 'label:asc' });
  report.table(
    [
      { header: 'project', value: (p) => p.label },
      { header: 'description', value: (p) => p.description },
    ],
    projects,
  );

  report.call(
    `const project = await fw.projects.findOne('group=${DEMO.group},label=${DEMO.project}')`,
  );
  const project = await fw.projects.findOne(`group=${DEMO.group},label=${DEMO.project}`);

  report.call(`await project.subjects.find('sex=female', { sort: 'label:asc' })`);
  const women = await project.subjects.find('sex=female', { sort: 'label:asc' });
  report.table(
    [
      { header: 'subject', value: (s) => s.label },
      { header: 'sex', value: (s) => s.sex },
      { header: 'cohort', value: (s) => s.cohort },
      { header: 'type', value: (s) => s.type },
    ],
    women,
  );

  report.call(
    `await project.subjects.find('info.handedness=left')  // custom info fields filter too`,
  );
  const leftHanded = await project.subjects.find('info.handedness=left');
  report.line(`  ${leftHanded.length} left-handed: ${leftHanded.map((s) => s.label).join(', ')}`);

  report.call(`await fw.sessions.find('label=~^follow')  // regular expression`);
  const followUps = await fw.sessions.find('label=~^follow');
  report.line(`  ${followUps.length} follow-up sessions across both projects`);

  report.call(
    `await fw.sessions.find('timestamp>=2025-01-01', { sort: 'timestamp:asc', limit: 3 })`,
  );
  const recent = await fw.sessions.find('timestamp>=2025-01-01', {
    sort: 'timestamp:asc',
    limit: 3,
  });
  report.table(
    [
      { header: 'session', value: (s) => `${s.subject?.label ?? '?'} / ${s.label}` },
      { header: 'timestamp (UTC)', value: (s) => s.timestamp },
    ],
    recent,
  );

  report.call(`await fw.subjects.findFirst('cohort=Control', { sort: 'label:desc' })`);
  const lastControl = await fw.subjects.findFirst('cohort=Control', { sort: 'label:desc' });
  report.line(`  ${lastControl?.label ?? 'none'}`);

  report.call('for await (const session of project.sessions.iter()) …  // pages lazily');
  let iterated = 0;
  for await (const session of project.sessions.iter({ limit: 5 })) {
    void session;
    iterated++;
  }
  report.line(`  ${iterated} sessions in ${project.label}, fetched 5 per request`);

  return {
    groupIds: groups.map((g) => g.id),
    projectLabels: projects.map((p) => p.label),
    femaleSubjects: women.map((s) => s.label),
    leftHanded: leftHanded.map((s) => s.label),
    followUpCount: followUps.length,
    recentTimestamps: recent.map((s) => s.timestamp),
    lastControl: lastControl?.label,
    iteratedSessions: iterated,
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
