import { expect, test } from 'vitest';
import { run } from '../topics/finders.ts';
import { allSubjects, anxietyPlan, exampleContext, plan } from './helpers.ts';

test('finders return exactly the seeded subjects and sessions for each filter', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);

  expect(result.groupIds).toEqual([plan.group._id]);
  expect(result.projectLabels).toEqual(plan.projects.map((p) => p.label).sort());
  expect(result.femaleSubjects).toEqual(
    anxietyPlan.subjects
      .filter((s) => s.sex === 'female')
      .map((s) => s.label)
      .sort(),
  );
  expect(result.leftHanded.sort()).toEqual(
    anxietyPlan.subjects.filter((s) => s.info['handedness'] === 'left').map((s) => s.label),
  );
  expect(result.followUpCount).toBe(
    allSubjects.flatMap((s) => s.sessions).filter((s) => s.label.startsWith('follow')).length,
  );

  const from2025 = allSubjects
    .flatMap((s) => s.sessions)
    .map((s) => s.timestamp)
    .filter((t) => t >= '2025-01-01')
    .sort();
  expect(result.recentTimestamps.map((t) => (t as Date).toISOString())).toEqual(
    from2025.slice(0, 3),
  );

  const controls = allSubjects
    .filter((s) => s.cohort === 'Control')
    .map((s) => s.label)
    .sort();
  expect(result.lastControl).toBe(controls[controls.length - 1]);
  expect(result.iteratedSessions).toBe(anxietyPlan.subjects.flatMap((s) => s.sessions).length);

  expect(text()).toContain("› await project.subjects.find('sex=female', { sort: 'label:asc' })");
});
