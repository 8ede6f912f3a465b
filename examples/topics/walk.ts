/**
 * Walking a hierarchy: every acquisition of a project, paged lazily, each one's files downloaded
 * four at a time. `forEachConcurrent` takes the finder's async iterator directly, so memory stays
 * bounded however big the project is, and the caller never juggles promises.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachConcurrent, type Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';
import { withTempDir } from '../src/site/temp-dir.ts';

const CONCURRENCY = 4;

export async function run(fw: Client, report: Report) {
  report.section('Walk a project: every acquisition’s files, four at a time');
  const project = await fw.projects.findOne(`group=${DEMO.group},label=${DEMO.project}`);

  return withTempDir(async (dir) => {
    let inFlight = 0;
    let maxInFlight = 0;
    let acquisitions = 0;
    const downloaded: { acquisition: string; file: string; bytes: number; expected: number }[] = [];
    report.call(
      `await forEachConcurrent(project.acquisitions.iter(), ${CONCURRENCY}, async (acq) => { for (const f of acq.files ?? []) await f.download(…) })`,
    );
    await forEachConcurrent(project.acquisitions.iter(), CONCURRENCY, async (acquisition) => {
      acquisitions++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        for (const file of acquisition.files ?? []) {
          // one folder per acquisition: file names repeat across sessions
          const dest = join(dir, `${acquisition.id}-${file.name}`);
          await file.download(dest);
          downloaded.push({
            acquisition: acquisition.label ?? '',
            file: file.name,
            bytes: (await stat(dest)).size,
            expected: file.size ?? -1,
          });
        }
      } finally {
        inFlight--;
      }
    });

    const byKind = new Map<string, { files: number; bytes: number }>();
    for (const d of downloaded) {
      const kind = byKind.get(d.file) ?? { files: 0, bytes: 0 };
      byKind.set(d.file, { files: kind.files + 1, bytes: kind.bytes + d.bytes });
    }
    report.table(
      [
        { header: 'file', value: (r: [string, { files: number; bytes: number }]) => r[0] },
        { header: 'downloads', value: (r) => r[1].files, align: 'right' },
        { header: 'bytes', value: (r) => r[1].bytes, align: 'right' },
      ],
      [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
    report.fields([
      ['acquisitions', acquisitions],
      ['files', downloaded.length],
      ['most at once', `${maxInFlight} (limit ${CONCURRENCY})`],
    ]);
    return { acquisitions, downloaded, maxInFlight, limit: CONCURRENCY };
  });
}

if (isMain(import.meta.url)) await runStandalone(run);
