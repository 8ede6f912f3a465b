import { expect, test } from 'vitest';
import { planFileBytes } from '../src/seed/file-bytes.ts';
import { run } from '../topics/files.ts';
import { exampleContext, firstBaselinePlan } from './helpers.ts';

test('uploads read back unchanged and the downloaded image is byte-identical to the seeded one', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  expect(result.uploaded).toEqual(['protocol.txt', 'participants.tsv']);
  expect(result.readBack).toBe(
    'Scan order: T1w MPRAGE, then 10 minutes eyes-open resting state.\n',
  );

  const seededFile = firstBaselinePlan.acquisitions.find((a) => a.label === 'T1w_MPRAGE')!
    .files[0]!;
  expect(Buffer.from(result.downloaded).equals(Buffer.from(await planFileBytes(seededFile)))).toBe(
    true,
  );
  expect(result.niftiDims).toEqual([16, 16, 8]);
});
