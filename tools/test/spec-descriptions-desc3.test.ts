/**
 * Every field of the schemas authored in `other.yaml` carries a description that says more than
 * its own name, so the `@fw/api` hovers for these models explain each value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../lib/generated.ts';

// Source files whose schemas are fully described; add a file here once it has no bare field.
const FILES = ['other.yaml'];

const spec = JSON.parse(readFileSync(join(repoRoot, 'openapi/flywheel.openapi.json'), 'utf8'));

const schemaNames = FILES.flatMap((file) => {
  const src = YAML.parse(readFileSync(join(repoRoot, 'openapi/src/components', file), 'utf8'));
  return Object.keys(src.schemas ?? {});
});

describe('field descriptions of other component files', () => {
  it('finds the schemas of each covered file in the bundle', () => {
    expect(schemaNames.length).toBeGreaterThan(0);
    for (const name of schemaNames) expect(spec.components.schemas).toHaveProperty(name);
  });

  it.each(schemaNames)('%s describes every field in more than its name', (name) => {
    const props: Record<string, { description?: string }> =
      spec.components.schemas[name]?.properties ?? {};
    for (const [field, prop] of Object.entries(props)) {
      const text = (prop.description ?? '').trim();
      expect(text, `${name}.${field} has no description`).not.toBe('');
      const plain = text.toLowerCase().replace(/[.`]/g, '').trim();
      const bare = field.toLowerCase().replace(/_/g, ' ');
      expect([bare, `the ${bare}`], `${name}.${field} only restates its name`).not.toContain(plain);
    }
  });
});
