/**
 * Type-level tests of the typed filter form (`where`): field names come from each finder's item
 * model, values from the field's type; misspelt fields and wrong value types fail to compile.
 */
import { Temporal } from 'temporal-polyfill';
import { Client } from '../src/node.js';
import type { Project, Session } from '../src/index.js';

declare const fw: Client;
declare const project: Project;
declare const session: Session;

export async function finderWhere(): Promise<void> {
  const date = new Date();
  await project.sessions.find({
    where: {
      label: 'x',
      created: { gt: date, lte: Temporal.Now.instant() },
      'info.site': 'A',
      tags: { in: ['a', 'b'] },
      age: { gte: 18, lt: 65 },
      uid: { exists: true },
      operator: { regex: /^dr/i },
      'subject.code': { ne: 'ex1' },
      project: '5e1',
    },
  });
  await fw.projects.find('group=scien', { where: { label: /^cmrr/ }, sort: 'label' });
  await fw.files.find({ where: { name: { regex: '\\.dcm$' }, deleted: { exists: false } } });
  await fw.jobs.findFirst({ where: { state: 'failed', 'gear_info.name': 'dcm2niix' } });
  await fw.groups({ where: { label: { nin: ['a', 'b'] } } });
  await session.acquisitions.iterFind({ where: { timestamp: { lt: '2020-01-01' } } }).next();
  await fw.gears.page({ where: { 'gear.name': 'x' }, limit: 5 });

  // @ts-expect-error misspelt field
  await project.sessions.find({ where: { lable: 'x' } });
  // @ts-expect-error misspelt field on a top-level finder
  await fw.projects.findOne({ where: { lable: 'x' } });
  // @ts-expect-error a field of another container type (projects have no `code`)
  await fw.projects.find({ where: { code: 'x' } });
  // @ts-expect-error wrong value type: age is a number
  await project.sessions.find({ where: { age: 'old' } });
  // @ts-expect-error wrong operator value type: gt of a date field takes an instant or date string
  await project.sessions.find({ where: { created: { gt: true } } });
  // @ts-expect-error in takes an array
  await project.sessions.find({ where: { label: { in: 'x' } } });
  // @ts-expect-error unknown operator
  await project.sessions.find({ where: { label: { like: 'x' } } });
  // @ts-expect-error regex is for strings, not numbers
  await project.sessions.find({ where: { age: { regex: '1' } } });
  // @ts-expect-error sub-paths only under object fields
  await project.sessions.find({ where: { 'label.x': 'y' } });
  // @ts-expect-error an object field takes only exists
  await project.sessions.find({ where: { info: 'x' } });
}
