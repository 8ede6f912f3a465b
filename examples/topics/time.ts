/**
 * Ages and timestamps: a session stores the subject's `age` in seconds and its acquisition time
 * in UTC plus the IANA `timezone` of the scanner. The getters turn these into years and into
 * zoned date-times (Temporal), in the scanner's zone or yours.
 */
import { mapConcurrent, secondsToYears, yearsToSeconds, type Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

/** `2024-05-03 22:45 Asia/Tokyo` (minutes are all the demo data has). */
const zoned = (
  value: { toPlainDateTime(): { toString(o: object): string }; timeZoneId: string } | null,
) =>
  value
    ? `${value.toPlainDateTime().toString({ smallestUnit: 'minute' }).replace('T', ' ')} ${value.timeZoneId}`
    : '';

export async function run(fw: Client, report: Report) {
  report.section('Age and timestamp helpers');

  const project = await fw.projects.findOne(`group=${DEMO.group},label=${DEMO.secondProject}`);
  report.call(
    `const sessions = await project.sessions.find('label=baseline', { sort: 'timestamp:asc', limit: 4 })`,
  );
  const listed = await project.sessions.find('label=baseline', { sort: 'timestamp:asc', limit: 4 });
  // Finder results are summaries without `age` (as on a real site, lists leave out personal
  // fields); reloading each session gets the full record. Four at a time.
  report.call(
    'const full = await mapConcurrent(sessions, 4, (s) => s.reload())  // lists omit age',
  );
  const sessions = await mapConcurrent(listed, 4, (s) => s.reload());
  report.line(
    report.style.dim(
      '  session.age is seconds; ageYears divides by 365.25 days. originalTimestamp uses session.timezone.',
    ),
  );
  report.table(
    [
      { header: 'subject', value: (s) => s.subject?.label },
      { header: 'age (s)', value: (s) => s.age, align: 'right' },
      { header: 'ageYears', value: (s) => s.ageYears?.toFixed(1), align: 'right' },
      { header: 'timestamp (UTC)', value: (s) => s.timestamp },
      { header: 'originalTimestamp', value: (s) => zoned(s.originalTimestamp) },
      { header: 'localTimestamp', value: (s) => zoned(s.localTimestamp) },
    ],
    sessions,
  );

  report.call('secondsToYears(yearsToSeconds(70))  // unit helpers');
  const roundTrip = secondsToYears(yearsToSeconds(70));
  report.line(`  ${roundTrip}`);

  return {
    rows: sessions.map((s) => ({
      subject: s.subject?.label,
      age: s.age,
      ageYears: s.ageYears,
      timestamp: s.timestamp,
      timezone: s.timezone,
      originalTimestamp: s.originalTimestamp?.toString(),
    })),
    roundTrip,
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
