/**
 * Search: a structured query over any level (`session.age`, `file.classification.Measurement`,
 * `file.info.*`), answering with hits of the `return_type` you ask for, each carrying the
 * containers above it. A container matches when the criteria hold for it together with something
 * beneath it: acquisitions holding a T1 file, subjects with a resting-state acquisition.
 */
import { yearsToSeconds, type Client, type Schemas } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

const MAX_AGE_YEARS = 30;

type Hit = Schemas['SearchResponse'];

/**
 * v21 types the search answer as the list of hits or, for `csv`/`facets` searches, a free-form
 * object. These searches ask for neither, so the answer is the list.
 */
function hitsOf(answer: Hit[] | Record<string, unknown>): Hit[] {
  if (!Array.isArray(answer)) throw new Error('the search answered an object, not a list of hits');
  return answer;
}

/** Search hits name subjects by `code` (their label on the demo site). */
const subjectOf = (hit: { subject?: { code?: unknown; label?: unknown } }) =>
  String(hit.subject?.code ?? hit.subject?.label ?? '');

export async function run(fw: Client, report: Report) {
  report.section('Search with a structured query');

  const query =
    `project.label = "${DEMO.project}" AND session.age >= 0 AND session.age <= ${yearsToSeconds(MAX_AGE_YEARS)} AND ` +
    `file.classification.Measurement = T1`;
  report.call(
    `await fw.search({ structured_query: query, return_type: 'acquisition' }, { size: 10000 })`,
  );
  report.line(
    report.style.dim(`  query: ${query}   (age in seconds: under ${MAX_AGE_YEARS} years)`),
  );
  const hits = hitsOf(
    await fw.search({ structured_query: query, return_type: 'acquisition' }, { size: 10000 }),
  );
  const young = hits.sort((a, b) =>
    `${subjectOf(a)} ${a.session?.label}`.localeCompare(`${subjectOf(b)} ${b.session?.label}`),
  );
  report.table(
    [
      { header: 'subject', value: (h) => subjectOf(h) },
      { header: 'session', value: (h) => h.session?.label },
      { header: 'acquisition', value: (h) => h.acquisition?.label },
    ],
    young,
  );

  const restingQuery = `subject.cohort = Control AND file.info.PatientIdentityRemoved = YES`;
  report.call(`await fw.search({ structured_query: '${restingQuery}', return_type: 'file' })`);
  const controlResting = hitsOf(
    await fw.search({ structured_query: restingQuery, return_type: 'file' }),
  );
  report.line(
    `  ${controlResting.length} de-identified DICOM series from control subjects: ${controlResting.map(subjectOf).join(', ')}`,
  );

  const withRestingQuery = `project.label = "${DEMO.project}" AND acquisition.label = rfMRI_REST_AP`;
  report.call(
    `await fw.search({ structured_query: '${withRestingQuery}', return_type: 'subject' }, { size: 10000 })`,
  );
  const withResting = hitsOf(
    await fw.search(
      { structured_query: withRestingQuery, return_type: 'subject' },
      { size: 10000 },
    ),
  );
  report.line(`  ${withResting.length} subjects have a resting-state acquisition`);

  return {
    youngT1: young.map((h) => ({
      subject: subjectOf(h),
      session: h.session?.label,
      acquisition: h.acquisition?.label,
      returnType: h.return_type,
    })),
    controlRestingSubjects: controlResting.map(subjectOf),
    subjectsWithResting: withResting.map(subjectOf),
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
