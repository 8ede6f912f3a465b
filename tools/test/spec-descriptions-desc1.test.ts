/**
 * Every field of the component schemas authored in common.yaml, users.yaml and workflows.yaml
 * carries a description in the bundled spec, and none merely repeats the field's name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../lib/generated.ts';

// containers.yaml is only partly described so far; add it here once it is complete.
const SOURCES = ['common.yaml', 'users.yaml', 'workflows.yaml'];

type Props = Record<string, { description?: unknown }>;
const bundled: Record<string, { properties?: Props }> = JSON.parse(
  readFileSync(join(repoRoot, 'openapi/flywheel.openapi.json'), 'utf8'),
).components.schemas;

const schemaNames = (file: string): string[] =>
  Object.keys(
    YAML.parse(readFileSync(join(repoRoot, 'openapi/src/components', file), 'utf8')).schemas ?? {},
  );

describe.each(SOURCES)('fields of the %s schemas', (file) => {
  const fields = schemaNames(file).flatMap((schema) =>
    Object.entries(bundled[schema]?.properties ?? {}).map(([name, p]) => ({
      at: `${schema}.${name}`,
      name,
      text: typeof p.description === 'string' ? p.description.trim() : '',
    })),
  );

  it('are found in the bundled spec', () => {
    expect(fields.length).toBeGreaterThan(0);
  });

  it('all have a description', () => {
    expect(fields.filter((f) => f.text === '').map((f) => f.at)).toEqual([]);
  });

  it('have descriptions that do more than restate the name', () => {
    const restated = fields.filter((f) => {
      const t = f.text.toLowerCase().replace(/\.$/, '');
      const n = f.name.toLowerCase();
      return (
        t === n ||
        t === `the ${n}` ||
        t === n.replace(/_/g, ' ') ||
        t === `the ${n.replace(/_/g, ' ')}`
      );
    });
    expect(restated.map((f) => f.at)).toEqual([]);
  });
});
