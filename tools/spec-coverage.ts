/**
 * `pnpm spec:coverage`: which operations of the current Flywheel API (v21, the tables in
 * `../shared/reference/sdk-21/`) our spec describes, and how many of them `@fw/server` implements.
 * The 2019 reference follows as a secondary report. A report only: always exits 0.
 * The last two lines are `coverage: N/506` and `server: M/506`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleSpec } from './bundle-spec.ts';
import { repoRoot } from './lib/generated.ts';
import { compareSpecs, formatCoverage, type OpRef } from './lib/spec-coverage.ts';
import { V21_DIR, v21Operations } from './lib/reference-v21.ts';
import { serverOperations } from './lib/server-coverage.ts';

export const REFERENCE_2019_PATH = join(
  repoRoot,
  '..',
  'shared',
  'reference',
  'flywheel-openapi3-2019.json',
);

async function main(): Promise<void> {
  const { spec } = await bundleSpec();
  const dir = process.env.FW_REFERENCE_V21 ?? V21_DIR;
  const v21 = v21Operations(dir);
  if (existsSync(REFERENCE_2019_PATH)) {
    const reference: unknown = JSON.parse(readFileSync(REFERENCE_2019_PATH, 'utf8'));
    const r = compareSpecs(spec, reference);
    console.log(`2019 reference (secondary): ${r.covered.length}/${r.referenceTotal} covered`);
    console.log('');
  }
  if (v21.length === 0) {
    console.log(`v21 reference not found at ${relative(repoRoot, dir)}; nothing to compare`);
    return;
  }
  const report = compareSpecs(spec, v21);
  console.log(formatCoverage(report));
  const implemented = await serverOperations(spec);
  const served: OpRef[] = report.covered.filter((o) => implemented.has(o.key));
  console.log(`server: ${served.length}/${report.referenceTotal}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(0);
});
