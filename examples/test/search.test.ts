import { expect, test } from 'vitest';
import { yearsToSeconds } from '@fw/sdk';
import { run } from '../topics/search.ts';
import { allSubjects, anxietyPlan, exampleContext } from './helpers.ts';

test('structured search finds exactly the planned young T1 scans and control resting-state series', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);

  const young = anxietyPlan.subjects.flatMap((s) =>
    s.sessions
      .filter((session) => session.age <= yearsToSeconds(30))
      .map((session) => `${s.label} ${session.label}`),
  );
  expect(result.youngT1.map((h) => `${h.subject} ${h.session}`).sort()).toEqual(young.sort());
  expect(new Set(result.youngT1.map((h) => h.file))).toEqual(new Set(['T1w_MPRAGE.nii.gz']));

  const controls = allSubjects.filter((s) => s.cohort === 'Control').map((s) => s.label);
  expect([...result.controlRestingSubjects].sort()).toEqual(controls.sort());
});
