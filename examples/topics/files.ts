/**
 * Files on containers: upload from memory (`FileSpec`) or from a local path, list, read into
 * memory, and download to disk.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSpec, type Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { formatBytes } from '../src/format/progress.ts';
import { readNiftiHeader } from '../src/nifti-header.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { lookupDemoAcquisition, lookupDemoProject } from '../src/site/lookup.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';
import { withTempDir } from '../src/site/temp-dir.ts';

const PROTOCOL = 'Scan order: T1w MPRAGE, then 10 minutes eyes-open resting state.\n';
const PARTICIPANTS = 'participant_id\tgroup\nanx-001\tstudy\nanx-002\tstudy\nanx-003\tcontrol\n';

export async function run(fw: Client, report: Report) {
  report.section('Files: upload, download and read');
  return withTempDir(async (dir) => {
    const project = await lookupDemoProject(fw);

    report.call(`await project.uploadFile(new FileSpec('protocol.txt', text, 'text/plain'))`);
    // uploadFile resolves to the saved files (one per file uploaded)
    const fromMemory = (
      await project.uploadFile(new FileSpec('protocol.txt', PROTOCOL, 'text/plain'))
    )[0]!;
    const localPath = join(dir, 'participants.tsv');
    await writeFile(localPath, PARTICIPANTS);
    report.call(`await project.uploadFile('${localPath}')  // a local path`);
    const fromDisk = (await project.uploadFile(localPath))[0]!;
    report.table(
      [
        { header: 'uploaded', value: (f) => f.name },
        { header: 'type', value: (f) => f.type },
        { header: 'size', value: (f) => formatBytes(f.size ?? 0), align: 'right' },
      ],
      [fromMemory, fromDisk],
    );

    report.call(`new TextDecoder().decode(await project.readFile('protocol.txt'))`);
    const readBack = new TextDecoder().decode(await project.readFile('protocol.txt'));
    report.line(`  ${JSON.stringify(readBack)}`);

    const acquisition = await lookupDemoAcquisition(fw, DEMO.structural.acquisition);
    report.call(`acquisition.files  // ${DEMO.subject} / ${DEMO.session} / ${acquisition.label}`);
    report.table(
      [
        { header: 'name', value: (f) => f.name },
        { header: 'type', value: (f) => f.type },
        { header: 'modality', value: (f) => f.modality },
        { header: 'size', value: (f) => formatBytes(f.size ?? 0), align: 'right' },
      ],
      acquisition.files ?? [],
    );

    const dest = join(dir, DEMO.structural.file);
    report.call(`await acquisition.downloadFile('${DEMO.structural.file}', '${dest}')`);
    await acquisition.downloadFile(DEMO.structural.file, dest);
    const downloaded = new Uint8Array(await readFile(dest));
    const header = readNiftiHeader(downloaded);
    report.fields([
      ['bytes on disk', formatBytes(downloaded.byteLength)],
      ['NIfTI magic', JSON.stringify(header.magic)],
      ['image size', header.dims.join(' × ')],
      ['description', header.description],
    ]);

    // Leave the project as it was (protocol.txt and participants.tsv are demo-only).
    await project.deleteFile('protocol.txt');
    await project.deleteFile('participants.tsv');

    return {
      uploaded: [fromMemory.name, fromDisk.name],
      uploadedSizes: [fromMemory.size, fromDisk.size],
      readBack,
      downloaded,
      niftiDims: header.dims,
    };
  });
}

if (isMain(import.meta.url)) await runStandalone(run);
