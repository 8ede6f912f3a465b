/**
 * Type-level tests of finder options: typed from each finder's list operation (common options,
 * call options, and the operation's own query parameters in camelCase); misspelt ones fail.
 */
import { Client } from '../src/node.js';
import type { Project } from '../src/index.js';

declare const fw: Client;
declare const project: Project;

export async function finderOptions(): Promise<void> {
  await fw.projects.find('label=x', { sort: 'created:desc', limit: 10, exhaustive: true });
  await fw.projects({
    afterId: '',
    signal: AbortSignal.timeout(1000),
    timeoutMs: 5,
    maxRetries: 0,
  });
  await project.analysesFinder.find({ includeAllInfo: true, joinAvatars: false });
  await project.sessions.iterFind('label=x', { limit: 5 }).next();
  await project.analysesFinder.find({ inflateJob: true });

  // @ts-expect-error misspelt option
  await fw.projects.find({ sortt: 'x' });
  // @ts-expect-error misspelt option after filters
  await fw.projects.find('label=x', { limt: 1 });
  // @ts-expect-error wire name: options are camelCase
  await project.analysesFinder.find({ inflate_job: true });
  // @ts-expect-error an option of another list operation
  await fw.groups.find({ inflateJob: true });
  // @ts-expect-error wrong type
  await fw.projects.find({ limit: '10' });
  // @ts-expect-error misspelt option on the call form
  await project.sessions({ sortt: 'x' });
  // @ts-expect-error misspelt option on iter
  fw.jobs.iter({ pageSize: 10 });
}
