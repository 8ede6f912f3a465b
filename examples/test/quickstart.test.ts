import { expect, test } from 'vitest';
import { STEPS, run } from '../quickstart.ts';
import { exampleContext, plan } from './helpers.ts';

test('the quickstart runs every step in order and prints one section per step', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);
  expect(Object.keys(result)).toEqual(Object.keys(STEPS));
  const headings = [...text().matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
  expect(headings).toEqual(Object.keys(STEPS).map((_, i) => i + 1));
  expect(result.finders.projectLabels).toEqual(plan.projects.map((p) => p.label).sort());
  // Plain text when not on a terminal: no escape codes.
  expect(text()).not.toMatch(/\u001b\[/);
});
