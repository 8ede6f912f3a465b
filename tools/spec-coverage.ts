/**
 * `pnpm spec:coverage`: report which operations of the 2019 reference API
 * (`../shared/reference/flywheel-openapi3-2019.json`, next to the repo) our spec covers.
 * A report only: always exits 0. The last line is `coverage: N/<reference total>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleSpec } from './bundle-spec.ts';
import { repoRoot } from './lib/generated.ts';
import { compareSpecs, formatCoverage } from './lib/spec-coverage.ts';

export const REFERENCE_PATH = join(
  repoRoot,
  '..',
  'shared',
  'reference',
  'flywheel-openapi3-2019.json',
);

async function main(): Promise<void> {
  const refPath = process.env.FW_REFERENCE_SPEC ?? REFERENCE_PATH;
  if (!existsSync(refPath)) {
    console.log(`reference spec not found at ${relative(repoRoot, refPath)}; nothing to compare`);
    return;
  }
  const reference: unknown = JSON.parse(readFileSync(refPath, 'utf8'));
  const { spec } = await bundleSpec();
  console.log(formatCoverage(compareSpecs(spec, reference)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(0);
});
