import { expect, test } from 'vitest';
import { run } from '../topics/views.ts';
import { vitalsCsv } from '../src/seed/seed-site.ts';
import { anxietyPlan, exampleContext } from './helpers.ts';

test('data views read the demo site as rows, a CSV on every session, groups and saved views', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  const sessions = anxietyPlan.subjects.flatMap((s) => s.sessions.map((x) => ({ s, x })));
  expect(result.rows).toHaveLength(sessions.length);
  const first = anxietyPlan.subjects[0]!;
  const row = result.rows.find((r) => r['subject.label'] === first.label)!;
  expect(row['subject.info.handedness']).toBe(first.info.handedness);
  expect(row['session.age_years']).toBeCloseTo(first.sessions[0]!.age / 31_557_600, 1);

  // the vitals CSV: a header, then two rows per session, with the values the seed wrote
  expect(result.csvLines[0]).toBe('subject.label,session.label,measure,value,error');
  expect(result.csvLines).toHaveLength(1 + 2 * sessions.length);
  const hr = vitalsCsv(`${first.label}/${first.sessions[0]!.label}`).split('\n')[1];
  expect(result.csvLines).toContain(`${first.label},${first.sessions[0]!.label},${hr},`);

  const bySex = new Map<string, number[]>();
  // the view's deepest level is subject: one row per subject, grouped by sex
  for (const s of anxietyPlan.subjects)
    bySex.set(s.sex, [...(bySex.get(s.sex) ?? []), s.info.gad7 as number]);
  for (const g of result.groups) {
    const xs = bySex.get(g['subject.sex'] as string)!;
    expect(g.mean_gad7).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 6);
  }
  expect(result.saved).toBe(sessions.length);
  expect(result.columns).toContain('session.age_years');
});
