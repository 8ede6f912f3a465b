import { expect, test } from 'vitest';
import { run } from '../topics/metadata.ts';
import { exampleContext } from './helpers.ts';

test('update leaves the local copy alone; tags, notes and info round-trip and are cleaned up', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  expect(result.localFirstname ?? '').toBe('');
  expect(result.reloadedFirstname).toBe('Ada');
  expect(result.tags).toEqual(['needs-review']);
  expect(result.noteTexts).toEqual([
    'Head motion in the resting-state run; check before analysis.',
  ]);
  expect(result.info).toEqual({ qc: { motion: 'high', reviewer: 'ada@example.org' } });
  expect(result.tagsAfterCleanup).toEqual([]);
  expect(result.infoAfterCleanup).toEqual({});
});

test('running it twice gives the same result (it cleans up after itself)', async () => {
  const { client, report } = exampleContext();
  const again = await run(client, report);
  expect(again.tags).toEqual(['needs-review']);
  expect(again.noteTexts).toHaveLength(1);
});
