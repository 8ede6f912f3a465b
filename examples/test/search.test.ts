import { expect, test } from 'vitest';
import { yearsToSeconds } from '@fw/sdk';
import { run } from '../topics/search.ts';
import { allSubjects, anxietyPlan, exampleContext } from './helpers.ts';

test('structured search finds the planned young T1 acquisitions, control resting-state series and subjects with a resting-state scan', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);

  const young = anxietyPlan.subjects.flatMap((s) =>
    s.sessions
      .filter((session) => session.age <= yearsToSeconds(30))
      .map((session) => `${s.label} ${session.label}`),
  );
  expect(result.youngT1.map((h) => `${h.subject} ${h.session}`).sort()).toEqual(young.sort());
  expect(new Set(result.youngT1.map((h) => h.acquisition))).toEqual(new Set(['T1w_MPRAGE']));
  expect(new Set(result.youngT1.map((h) => h.returnType))).toEqual(new Set(['acquisition']));

  const controls = allSubjects.filter((s) => s.cohort === 'Control').map((s) => s.label);
  expect([...result.controlRestingSubjects].sort()).toEqual(controls.sort());

  // every anxiety subject has a baseline session, and baselines hold the resting-state series
  const withResting = anxietyPlan.subjects
    .filter((s) =>
      s.sessions.some((session) => session.acquisitions.some((a) => a.label === 'rfMRI_REST_AP')),
    )
    .map((s) => s.label);
  expect([...result.subjectsWithResting].sort()).toEqual(withResting.sort());
});
