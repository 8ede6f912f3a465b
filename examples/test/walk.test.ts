import { expect, test } from 'vitest';
import { run } from '../topics/walk.ts';
import { anxietyPlan, exampleContext } from './helpers.ts';

test('walking a project downloads every acquisition file once, at most four at a time', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);

  const planned = anxietyPlan.subjects.flatMap((s) =>
    s.sessions.flatMap((session) => session.acquisitions),
  );
  expect(result.acquisitions).toBe(planned.length);
  const plannedFiles = planned.flatMap((a) => a.files.map((f) => `${a.label}/${f.name}`)).sort();
  expect(result.downloaded.map((d) => `${d.acquisition}/${d.file}`).sort()).toEqual(plannedFiles);
  // every download is complete: the bytes on disk are the size the server recorded
  for (const d of result.downloaded) expect(d.bytes).toBe(d.expected);
  expect(result.maxInFlight).toBeGreaterThan(1);
  expect(result.maxInFlight).toBeLessThanOrEqual(result.limit);
});
