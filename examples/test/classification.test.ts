import { expect, test } from 'vitest';
import { run } from '../topics/classification.ts';
import { exampleContext, firstBaselinePlan } from './helpers.ts';

test('file classification and info change and are restored', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  const seeded = firstBaselinePlan.acquisitions.find((a) => a.label === 'T1w_MPRAGE')!.files[0]!;
  expect(result.aspects).toEqual(expect.arrayContaining(['Intent', 'Measurement', 'Features']));
  expect(result.original).toEqual(seeded.classification);
  expect(result.changed).toEqual({ ...seeded.classification, Custom: ['demo'] });
  expect(result.changedInfo).toEqual({ ...seeded.info, SNR: 31.4 });
  expect(result.restored?.['Custom'] ?? []).toEqual([]);
  expect(result.restored?.['Intent']).toEqual(seeded.classification['Intent']);
});
