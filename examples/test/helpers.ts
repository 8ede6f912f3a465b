import { inject } from 'vitest';
import { Client } from '@fw/sdk/node';
import { memoryReport } from '../src/format/report.ts';
import { planSite, type SubjectPlan } from '../src/seed/site-plan.ts';

export const demo = () => inject('demo');

/** A client for the shared test server, and a report that keeps what the example printed. */
export function exampleContext() {
  const { apiKey } = demo();
  const { report, text } = memoryReport();
  return { client: new Client(apiKey), report, text, connection: { apiKey } };
}

/** The plan the server was seeded from: the expected values of every assertion. */
export const plan = planSite();
export const [anxietyPlan, agingPlan] = plan.projects as [
  (typeof plan.projects)[0],
  (typeof plan.projects)[0],
];
export const allSubjects: SubjectPlan[] = plan.projects.flatMap((p) => p.subjects);
export const firstSubjectPlan = anxietyPlan.subjects[0]!;
export const firstBaselinePlan = firstSubjectPlan.sessions.find((s) => s.label === 'baseline')!;
