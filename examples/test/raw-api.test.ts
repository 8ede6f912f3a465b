import { expect, test } from 'vitest';
import { runRaw } from '../topics/raw-api.ts';
import { demo, exampleContext, plan } from './helpers.ts';

test('raw @fw/api calls see the same site', async () => {
  const { report, connection } = exampleContext();
  const result = await runRaw(connection, report);
  expect(result.projectLabels).toEqual(plan.projects.map((p) => p.label).sort());
  expect(result.subjectCount).toBe(
    plan.projects.find((p) => p.label === result.projectLabels[0])!.subjects.length,
  );
  expect(result.lookedUp).toBe(demo().seeded.projects[0]!.id);
  expect(result.missingStatus).toBe(404);
});
