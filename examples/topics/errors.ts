/**
 * Errors: every failed API call throws an `ApiError` (alias `ApiException`, the Python name)
 * carrying the HTTP `status`, its `reason` and the server's `detail`. Subclasses such as
 * `NotFoundError` let you catch one kind. SDK-side mistakes have their own errors.
 */
import { ApiError, FindOneError, NotFoundError, type Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

const MISSING_ID = '000000000000000000000000';

/** Run `fn`, expecting it to throw; returns the error. */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function run(fw: Client, report: Report) {
  report.section('Error handling with ApiError');

  report.call(
    `try { await fw.getProject('${MISSING_ID}') } catch (err) { if (err instanceof ApiError) … }`,
  );
  const notFound = await caught(() => fw.getProject(MISSING_ID));
  if (!(notFound instanceof ApiError)) throw notFound;
  report.fields([
    ['err.status', notFound.status],
    ['err.reason', notFound.reason], // v21: the JSON body's message
    ['err.statusText', notFound.statusText],
    ['NotFoundError', notFound instanceof NotFoundError ? 'yes (a subclass of ApiError)' : 'no'],
  ]);

  report.call(`await fw.lookup('${DEMO.group}/No Such Project')`);
  const badPath = await caught(() => fw.lookup(`${DEMO.group}/No Such Project`));
  if (!(badPath instanceof ApiError)) throw badPath;
  report.fields([
    ['err.status', badPath.status],
    ['err.reason', badPath.reason],
  ]);

  report.call(`await fw.projects.findOne('label=~Study|Cohort')  // two matches`);
  const ambiguous = await caught(() => fw.projects.findOne('label=~Study|Cohort'));
  if (!(ambiguous instanceof FindOneError)) throw ambiguous;
  report.fields([
    ['FindOneError', ambiguous.message],
    ['err.count', ambiguous.count],
  ]);

  return {
    notFound: {
      status: notFound.status,
      reason: notFound.reason,
      isNotFoundError: notFound instanceof NotFoundError,
    },
    badPathStatus: badPath.status,
    findOneCount: ambiguous.count,
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
