/**
 * File metadata: free-form file `info`, and the classification (aspect → values) whose allowed
 * values come from the file's modality.
 */
import type { Client, FileEntry } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { DEMO } from '../src/site/demo-paths.ts';
import { lookupDemoAcquisition } from '../src/site/lookup.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

/** v21 types a file's classification as free-form (aspect → values); values are string lists. */
const aspectValues = (classification: Record<string, unknown> | undefined) =>
  Object.entries(classification ?? {}).map(
    ([aspect, values]) => [aspect, Array.isArray(values) ? values.map(String) : []] as const,
  );
const describe = (classification: Record<string, unknown> | undefined) =>
  aspectValues(classification)
    .filter(([, values]) => values.length > 0)
    .map(([aspect, values]) => `${aspect}: ${values.join(', ')}`)
    .join('; ');

async function freshFile(fw: Client, name: string): Promise<FileEntry> {
  const acquisition = await lookupDemoAcquisition(fw, DEMO.structural.acquisition);
  const file = await acquisition.getFile(name);
  if (!file) throw new Error(`${name} is missing from ${acquisition.label}`);
  return file;
}

export async function run(fw: Client, report: Report) {
  report.section('File info, classification and modalities');

  report.call(`await fw.getModality('MR')  // the aspects an MR file may be classified by`);
  const mr = await fw.getModality('MR');
  const aspects = Object.entries(mr.classification ?? {});
  report.table(
    [
      { header: 'aspect', value: ([aspect]) => aspect },
      {
        header: 'values',
        value: ([, values]) =>
          `${values.length}: ${values.slice(0, 5).join(', ')}${values.length > 5 ? ', …' : ''}`,
      },
    ],
    aspects,
  );

  const name = DEMO.structural.file;
  report.call(`const file = await acquisition.getFile('${name}')`);
  const file = await freshFile(fw, name);
  report.fields([
    ['modality', file.modality],
    ['classification', describe(file.classification)],
    [
      'info',
      Object.entries(file.info ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', '),
    ],
  ]);

  report.call(
    `await file.updateInfo({ SNR: 31.4 }); await file.updateClassification({ Custom: ['demo'] })`,
  );
  await file.updateInfo({ SNR: 31.4 });
  await file.updateClassification({ Custom: ['demo'] });
  const changed = await freshFile(fw, name);
  report.fields([
    ['classification', describe(changed.classification)],
    ['info.SNR', (changed.info as Record<string, unknown>)['SNR']],
  ]);

  report.call(
    `await file.deleteClassification({ Custom: ['demo'] }); await file.deleteInfo('SNR')`,
  );
  await file.deleteClassification({ Custom: ['demo'] });
  await file.deleteInfo('SNR');
  const restored = await freshFile(fw, name);
  report.ok(`back to ${describe(restored.classification)}`);

  return {
    aspects: aspects.map(([aspect]) => aspect),
    original: file.classification,
    changed: changed.classification,
    changedInfo: changed.info as Record<string, unknown>,
    restored: restored.classification,
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
