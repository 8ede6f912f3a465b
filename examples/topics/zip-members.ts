/**
 * Looking inside a zipped DICOM series without downloading all of it: list the members, read one
 * into memory, or save one to disk.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@fw/sdk/node';
import { readDicomAttributes } from '../src/dicom-header.ts';
import type { Report } from '../src/format/report.ts';
import { formatBytes } from '../src/format/progress.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { lookupDemoAcquisition } from '../src/site/lookup.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';
import { withTempDir } from '../src/site/temp-dir.ts';

export async function run(fw: Client, report: Report) {
  report.section('Zip listing and zip members');
  const name = DEMO.functional.file;
  const acquisition = await lookupDemoAcquisition(fw, DEMO.functional.acquisition);

  report.call(`const zipInfo = await acquisition.getFileZipInfo('${name}')`);
  const zipInfo = await acquisition.getFileZipInfo(name);
  const members = zipInfo.members ?? [];
  report.fields([['comment', zipInfo.comment ?? '']]);
  report.table(
    [
      { header: 'member', value: (m) => m.path },
      { header: 'size', value: (m) => formatBytes(m.size ?? 0), align: 'right' },
    ],
    members,
  );
  const first = members[0]?.path;
  const second = members[1]?.path;
  if (!first || !second) throw new Error(`${name} should hold at least two members`);

  report.call(`await acquisition.readFileZipMember('${name}', '${first}')`);
  const firstBytes = await acquisition.readFileZipMember(name, first);
  const dicom = readDicomAttributes(firstBytes);
  report.fields([
    ['bytes', formatBytes(firstBytes.byteLength)],
    ['DICOM file', dicom.isDicom ? 'yes (DICM marker at byte 128)' : 'no'],
    ...Object.entries(dicom.attributes),
  ]);

  return withTempDir(async (dir) => {
    const dest = join(dir, 'slice-2.dcm');
    report.call(`await acquisition.downloadFileZipMember('${name}', '${second}', '${dest}')`);
    await acquisition.downloadFileZipMember(name, second, dest);
    const secondBytes = new Uint8Array(await readFile(dest));
    report.ok(
      `saved ${formatBytes(secondBytes.byteLength)}, instance ${readDicomAttributes(secondBytes).attributes['InstanceNumber']}`,
    );
    return {
      memberPaths: members.map((m) => m.path),
      comment: zipInfo.comment,
      firstBytes,
      secondBytes,
      firstAttributes: dicom.attributes,
    };
  });
}

if (isMain(import.meta.url)) await runStandalone(run);
