/**
 * Bundles the hand-written spec source in `openapi/src/` into `openapi/flywheel.openapi.json`.
 * Called by `tools/generate.ts` (`pnpm generate`); run it alone with `tsx tools/bundle-spec.ts`
 * to print a short summary without writing anything.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, type GeneratedFiles } from './lib/generated.ts';
import {
  bundleSource,
  operations,
  serializeSpec,
  type OpenApiDocument,
} from './lib/spec-bundle.ts';

export type { OpenApiDocument } from './lib/spec-bundle.ts';

export const SPEC_SOURCE_DIR = join(repoRoot, 'openapi', 'src');
export const SPEC_OUTPUT_PATH = 'openapi/flywheel.openapi.json';
export const GENERATED_NOTE = 'generated from openapi/src by tools/bundle-spec.ts; do not edit';

export async function bundleSpec(): Promise<{ spec: OpenApiDocument; files: GeneratedFiles }> {
  const spec = bundleSource(SPEC_SOURCE_DIR, { generatedNote: GENERATED_NOTE });
  return { spec, files: { [SPEC_OUTPUT_PATH]: serializeSpec(spec) } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  bundleSpec()
    .then(({ spec }) => {
      const ops = [...operations(spec)].length;
      console.log(
        `bundled ${Object.keys(spec.paths).length} paths, ${ops} operations, ${Object.keys((spec.components.schemas ?? {}) as object).length} schemas`,
      );
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
