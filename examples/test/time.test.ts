import { expect, test } from 'vitest';
import { run } from '../topics/time.ts';
import { agingPlan, exampleContext } from './helpers.ts';

test('ages convert to years and timestamps to the scanner time zone', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  const expected = agingPlan.subjects
    .flatMap((s) =>
      s.sessions.filter((x) => x.label === 'baseline').map((x) => ({ subject: s.label, ...x })),
    )
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
    .slice(0, 4);
  expect(result.rows.map((r) => r.subject)).toEqual(expected.map((e) => e.subject));
  expect(result.rows.map((r) => r.age)).toEqual(expected.map((e) => e.age));
  for (const row of result.rows) {
    expect(row.ageYears).toBeCloseTo(row.age! / 31_557_600, 10);
    expect(row.originalTimestamp).toMatch(/\+09:00\[Asia\/Tokyo\]$/);
  }
  expect(result.roundTrip).toBe(70);
});
