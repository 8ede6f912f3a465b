/**
 * Downloading whole containers: `downloadTar` archives every file under the given containers
 * into one tar, streamed to disk, with a progress callback.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { formatBytes } from '../src/format/progress.ts';
import { lookupDemoSession } from '../src/site/lookup.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';
import { withTempDir } from '../src/site/temp-dir.ts';
import { listTar } from '../src/tar-list.ts';

export async function run(fw: Client, report: Report) {
  report.section('Download a tar of a session, with a progress bar');
  const session = await lookupDemoSession(fw);
  return withTempDir(async (dir) => {
    const dest = join(dir, 'session.tar');
    report.call(`await fw.downloadTar([session], '${dest}', { onProgress })`);
    const bar = report.progress('session.tar');
    const summary = await fw.downloadTar([session], dest, { onProgress: (p) => bar.update(p) });
    bar.done();
    const archive = new Uint8Array(await readFile(dest));
    const entries = listTar(archive);
    report.fields([
      ['files', summary.file_cnt],
      ['file bytes', formatBytes(summary.size)],
      ['archive size', formatBytes(archive.byteLength)],
    ]);
    report.table(
      [
        { header: 'path in archive', value: (e) => e.path },
        { header: 'size', value: (e) => formatBytes(e.size), align: 'right' },
      ],
      entries,
    );
    return { fileCount: summary.file_cnt, entries, archiveBytes: archive.byteLength };
  });
}

if (isMain(import.meta.url)) await runStandalone(run);
