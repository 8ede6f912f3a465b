import { expect, test } from 'vitest';
import { run } from '../topics/zip-members.ts';
import { exampleContext, firstBaselinePlan, firstSubjectPlan } from './helpers.ts';

test('the zip listing names the seeded slices and members come back byte-identical', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);
  const seeded = firstBaselinePlan.acquisitions.find((a) => a.label === 'rfMRI_REST_AP')!.files[0]!
    .zipMembers!;
  expect(result.memberPaths).toEqual(seeded.map((m) => m.path));
  expect(Buffer.from(result.firstBytes).equals(Buffer.from(seeded[0]!.bytes))).toBe(true);
  expect(Buffer.from(result.secondBytes).equals(Buffer.from(seeded[1]!.bytes))).toBe(true);
  expect(result.firstAttributes['PatientID']).toBe(firstSubjectPlan.code);
  expect(text()).toContain('rfMRI_REST_AP/0004.dcm');
});
