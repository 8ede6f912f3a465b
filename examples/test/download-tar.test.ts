import { expect, test } from 'vitest';
import { run } from '../topics/download-tar.ts';
import {
  anxietyPlan,
  exampleContext,
  firstBaselinePlan,
  firstSubjectPlan,
  plan,
} from './helpers.ts';

test('the session tar holds every seeded file of the session at its hierarchy path', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);
  const base = `flywheel/${plan.group._id}/${anxietyPlan.label}/${firstSubjectPlan.code}/${firstBaselinePlan.label}`;
  const expected = [
    // the seed attaches vitals.csv to every session (for file-processing data views)
    `${base}/vitals.csv`,
    ...firstBaselinePlan.acquisitions.flatMap((a) =>
      a.files.map((f) => `${base}/${a.label}/${f.name}`),
    ),
  ];
  expect(result.entries.map((e) => e.path).sort()).toEqual(expected.sort());
  expect(result.fileCount).toBe(expected.length);
  expect(text()).toContain('100%');
});
