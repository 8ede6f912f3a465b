import { expect, test } from 'vitest';
import { FAILED_JOB_LOG } from '../src/seed/gear.ts';
import { run } from '../topics/jobs.ts';
import { demo, exampleContext } from './helpers.ts';

test('iterFind(state=failed) finds the seeded failed job and its logs', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  const { jobs } = demo().seeded;
  expect(result.gearNames).toEqual(['dcm2niix']);
  expect(result.failedJobIds).toEqual([jobs.failed]);
  expect(result.failedStates).toEqual(['failed']);
  expect(result.logs[0]?.lines).toEqual(FAILED_JOB_LOG.map((l) => l.msg.trimEnd()));
  expect(result.completeJobIds).toEqual([jobs.complete]);
});
