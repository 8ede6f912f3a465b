import { expect, test } from 'vitest';
import { run } from '../topics/navigation.ts';
import { anxietyPlan, exampleContext, plan } from './helpers.ts';

test('resolve, lookup and get agree on the demo containers', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  expect(result.resolvedPath).toEqual([plan.group.label, anxietyPlan.label]);
  expect([...result.childLabels].sort()).toEqual(anxietyPlan.subjects.map((s) => s.label));
  expect(result.lookedUp.type).toBe('session');
  expect(result.gotById).toEqual({ type: 'session', label: 'baseline' });
});
