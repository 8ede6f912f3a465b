import { expect, test } from 'vitest';
import { run } from '../topics/classification.ts';
import { exampleContext, firstBaselinePlan } from './helpers.ts';

/** Aspects with values: removing an aspect's last value may leave an empty list behind. */
const nonEmpty = (classification: Record<string, unknown> | undefined) =>
  Object.fromEntries(
    Object.entries(classification ?? {}).filter(
      ([, values]) => Array.isArray(values) && values.length > 0,
    ),
  );

test('file classification and info change and are restored', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  const seeded = firstBaselinePlan.acquisitions.find((a) => a.label === 'T1w_MPRAGE')!.files[0]!;
  expect(result.aspects).toEqual(expect.arrayContaining(['Intent', 'Measurement', 'Features']));
  expect(nonEmpty(result.original)).toEqual(seeded.classification);
  expect(nonEmpty(result.changed)).toEqual({ ...seeded.classification, Custom: ['demo'] });
  expect(result.changedInfo).toEqual({ ...seeded.info, SNR: 31.4 });
  expect(nonEmpty(result.restored)).toEqual(seeded.classification);
});
