/**
 * The gears example end to end: its own embedded server with the local engine on (so the
 * shared server's gears and jobs stay as the other examples expect), the nifti-summary gear
 * run on the demo T1 image, its outputs read back, and summary.csv read through a data view.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readNiftiHeader } from '../src/nifti-header.ts';
import { memoryReport } from '../src/format/report.ts';
import { DEMO, demoPath } from '../src/site/demo-paths.ts';
import { startDemoServer, type DemoServer } from '../src/site/demo-server.ts';
import { run } from '../topics/gears.ts';

let server: DemoServer;
let result: Awaited<ReturnType<typeof run>>;
let expected: ReturnType<typeof readNiftiHeader>;

beforeAll(async () => {
  server = await startDemoServer({ engine: { pollMs: 50 } });
  const acq = await server.client.lookup(demoPath.acquisition(DEMO.structural.acquisition));
  expected = readNiftiHeader(
    await server.client.downloadFileFromAcquisitionAsData(acq.id, DEMO.structural.file),
  );
  result = await run(server.client, memoryReport().report);
}, 180_000);
afterAll(() => server?.close());

test('the gear runs on the local engine: job complete, its log streamed, the key never logged', () => {
  expect(result.jobState).toBe('complete');
  expect(result.logs).toEqual(
    expect.arrayContaining([
      `INFO input nifti: ${DEMO.structural.file} (from acquisition ${result.acquisitionId})`,
      'INFO config decimals: 2',
      `INFO tagged acquisition ${result.acquisitionId} "nifti-summary"`,
    ]),
  );
  const secret = server.apiKey.slice(server.apiKey.lastIndexOf(':') + 1);
  expect(result.logs.join('\n')).not.toContain(secret);
});

test('fw.get(analysisId) gives the outputs with the types and tags from .metadata.json', () => {
  expect(result.analysisLabel).toMatch(/^nifti-summary /);
  expect(result.outputs).toEqual(
    expect.arrayContaining([
      { name: 'summary.csv', type: 'tabular data', tags: ['nifti-summary'] },
      expect.objectContaining({ name: 'T1w_MPRAGE.header.json' }),
    ]),
  );
  expect(result.outputs.map((o) => o.name)).not.toContain('.metadata.json');
  expect(result.analysisInfo).toEqual({
    nifti: { dims: expected.dims, datatype: expected.datatype },
  });
  expect(result.acquisitionTags).toContain('nifti-summary');
});

test('summary.csv holds the header values (decimals from the run config)', () => {
  expect(result.summaryLines).toEqual([
    'field,value',
    `file,${DEMO.structural.file}`,
    `datatype,${expected.datatype}`,
    `bitpix,${expected.bitpix}`,
    ...expected.dims.map((d, i) => `dim${i + 1},${d}`),
    ...expected.pixdim.map((p, i) => `pixdim${i + 1},${p.toFixed(2)}`),
  ]);
});

test('a data view reads summary.csv from the analysis, one row per CSV line', () => {
  const rows = result.viewRows.map((r) => [r['acquisition.label'], r['field'], String(r['value'])]);
  expect(rows).toEqual(
    result.summaryLines
      .slice(1)
      .map((l) => l.split(','))
      // the view types numeric cells: 1.00 reads back as 1
      .map(([f, v]) => [
        DEMO.structural.acquisition,
        f,
        String(Number.isNaN(Number(v)) ? v : Number(v)),
      ]),
  );
});
