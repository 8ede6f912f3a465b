/**
 * The main wire models (containers, files, jobs, gears and their input/update bodies) describe
 * every field, so hovers over `@fw/api` types (and the SDK objects built on them) explain each one.
 * Every operation parameter is described too: finder and method options carry it in their TSDoc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../lib/generated.ts';

const spec = JSON.parse(readFileSync(join(repoRoot, 'openapi/flywheel.openapi.json'), 'utf8'));
const schemaTs = readFileSync(join(repoRoot, 'packages/api/src/generated/schema.ts'), 'utf8');

/** Every component file: each schema in it describes every field. */
const DESCRIBED_FILES = readdirSync(join(repoRoot, 'openapi/src/components')).filter((f) =>
  f.endsWith('.yaml'),
);

const schemasOf = (file: string): string[] =>
  Object.keys(
    YAML.parse(readFileSync(join(repoRoot, 'openapi/src/components', file), 'utf8')).schemas ?? {},
  );

/** A description that is only the field's name (`the foo bar`, `foo_bar.`) says nothing. */
function restatesName(field: string, description: string): boolean {
  const text = description.toLowerCase().replace(/[.`]/g, '').trim();
  const name = field.toLowerCase();
  const words = name.replace(/_/g, ' ');
  return [name, `the ${name}`, words, `the ${words}`].includes(text);
}

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

describe.each(DESCRIBED_FILES)('every field of the %s schemas', (file) => {
  const fields = schemasOf(file).flatMap((schema) =>
    Object.entries(
      (spec.components.schemas[schema]?.properties ?? {}) as Record<
        string,
        { description?: unknown }
      >,
    ).map(([name, p]) => ({
      at: `${schema}.${name}`,
      name,
      text: typeof p.description === 'string' ? p.description.trim() : '',
    })),
  );

  it('is found in the bundled spec', () => {
    expect(fields.length).toBeGreaterThan(0);
  });

  it('has a description', () => {
    expect(fields.filter((f) => f.text === '').map((f) => f.at)).toEqual([]);
  });

  it('has a description that says more than its name', () => {
    expect(fields.filter((f) => restatesName(f.name, f.text)).map((f) => f.at)).toEqual([]);
  });
});

describe('the bundled spec', () => {
  it('describes every field of every component schema, generated page schemas included', () => {
    const bare = Object.entries(
      spec.components.schemas as Record<string, { properties?: Record<string, unknown> }>,
    ).flatMap(([schema, s]) =>
      Object.entries((s.properties ?? {}) as Record<string, { description?: unknown }>)
        .filter(([, p]) => typeof p.description !== 'string' || p.description.trim() === '')
        .map(([name]) => `${schema}.${name}`),
    );
    expect(bare).toEqual([]);
  });

  it('describes every parameter of every operation, path-level parameters included', () => {
    type Param = { $ref?: string; name?: string; in?: string; description?: unknown };
    const resolve = (p: Param): Param =>
      p.$ref ? spec.components.parameters[p.$ref.split('/').pop()!] : p;
    const bare: string[] = [];
    for (const [path, item] of Object.entries(spec.paths as Record<string, any>)) {
      const shared = (item.parameters ?? []) as Param[];
      for (const [method, op] of Object.entries(item as Record<string, any>)) {
        if (method === 'parameters' || typeof op !== 'object' || !op) continue;
        for (const p of [...shared, ...((op.parameters ?? []) as Param[])].map(resolve)) {
          if (typeof p.description !== 'string' || p.description.trim() === '')
            bare.push(`${method.toUpperCase()} ${path} ${p.in}:${p.name}`);
        }
      }
    }
    expect(bare).toEqual([]);
  });
});
