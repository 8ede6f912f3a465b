import { expect, test } from 'vitest';
import { Client } from '@fw/sdk/node';
import { STEPS, StepError, run } from '../quickstart.ts';
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

test('a failing step is reported by name and stops the run', async () => {
  const { report } = exampleContext();
  // Port 1 on loopback: nothing listens there, so the very first call fails to connect.
  const unreachable = new Client('127.0.0.1:1:__force_insecure:not-a-key', { maxRetries: 0 });
  const failure = await run(unreachable, report).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(StepError);
  expect((failure as StepError).step).toBe('client');
});
