/**
 * The main wire models (containers, files, jobs, gears and their input/update bodies) describe
 * every field, so hovers over `@fw/api` types (and the SDK objects built on them) explain each one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/generated.ts';

const spec = JSON.parse(readFileSync(join(repoRoot, 'openapi/flywheel.openapi.json'), 'utf8'));
const schemaTs = readFileSync(join(repoRoot, 'packages/api/src/generated/schema.ts'), 'utf8');

const MODELS = [
  ...['ProjectOutput', 'ProjectListOutput', 'ProjectInput', 'ProjectModify'],
  ...['SubjectOutput', 'SubjectOutputForList', 'SubjectInput', 'SubjectModify'],
  ...['SessionOutput', 'SessionListOutput', 'SessionInput', 'SessionModify'],
  ...['AcquisitionOutput', 'AcquisitionListOutput', 'AcquisitionInput', 'AcquisitionModifyInput'],
  ...['AnalysisOutput', 'AnalysisListOutput', 'AnalysisOutputInflatedJob'],
  ...['AnalysisListOutputInflatedJob', 'AnalysisInput', 'AnalysisModifyInput'],
  ...['CollectionOutput', 'CollectionWithStats', 'CollectionInput', 'CollectionInputWithContents'],
  ...['GroupOutput', 'GroupInput', 'GroupUpdate'],
  ...['FileEntry', 'FileOutput', 'FileListOutput', 'FileModifyInput'],
  ...['JobOutput', 'JobListOutput', 'Job', 'JobModify'],
  ...['GearDocument', 'GearDocumentInput', 'Gear'],
];

describe('wire field descriptions', () => {
  it.each(MODELS)('%s describes every field', (name) => {
    const props: Record<string, { description?: string }> =
      spec.components.schemas[name]?.properties ?? {};
    expect(Object.keys(props).length).toBeGreaterThan(0);
    const bare = Object.entries(props)
      .filter(([, p]) => typeof p.description !== 'string' || p.description.trim() === '')
      .map(([k]) => k);
    expect(bare).toEqual([]);
  });

  it('the descriptions reach the @fw/api types as JSDoc', () => {
    const start = schemaTs.indexOf('        SessionListOutput: {');
    const block = schemaTs.slice(start, schemaTs.indexOf('\n        };', start));
    const label = spec.components.schemas.SessionListOutput.properties.label.description;
    expect(block).toContain(`/** @description ${label} */\n            label?: string;`);
  });
});
