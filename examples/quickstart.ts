/**
 * The quickstart: the Python SDK's quick reference, in its order, in TypeScript. Each step is one
 * of the topic examples in `topics/`; run this file against any site with the demo data
 * (`tsx examples/quickstart.ts` starts its own local server when FW_API_KEY is unset).
 */
import type { Client } from '@fw/sdk/node';
import type { Report } from './src/format/report.ts';
import { isMain, runStandalone } from './src/site/standalone.ts';
import * as classification from './topics/classification.ts';
import * as clientTopic from './topics/client.ts';
import * as downloadTar from './topics/download-tar.ts';
import * as errors from './topics/errors.ts';
import * as files from './topics/files.ts';
import * as finders from './topics/finders.ts';
import * as jobs from './topics/jobs.ts';
import * as metadata from './topics/metadata.ts';
import * as navigation from './topics/navigation.ts';
import * as permissions from './topics/permissions.ts';
import * as search from './topics/search.ts';
import * as time from './topics/time.ts';
import * as zipMembers from './topics/zip-members.ts';

/** The steps, in the quick reference's order. */
export const STEPS = {
  client: clientTopic.run,
  finders: finders.run,
  navigation: navigation.run,
  metadata: metadata.run,
  files: files.run,
  zipMembers: zipMembers.run,
  classification: classification.run,
  permissions: permissions.run,
  search: search.run,
  time: time.run,
  downloadTar: downloadTar.run,
  jobs: jobs.run,
  errors: errors.run,
} as const;

type Steps = typeof STEPS;
export type QuickstartResult = { [K in keyof Steps]: Awaited<ReturnType<Steps[K]>> };

/** Thrown when a step fails: names the step, keeps the original error as `cause`. */
export class StepError extends Error {
  override name = 'StepError';
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(
      `quickstart step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

export async function run(fw: Client, report: Report): Promise<QuickstartResult> {
  const results: Partial<Record<keyof Steps, unknown>> = {};
  for (const [name, step] of Object.entries(STEPS) as [keyof Steps, Steps[keyof Steps]][]) {
    try {
      results[name] = await step(fw, report);
    } catch (err) {
      throw new StepError(name, err);
    }
  }
  return results as QuickstartResult;
}

if (isMain(import.meta.url)) await runStandalone(run);
