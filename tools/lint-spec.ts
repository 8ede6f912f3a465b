/**
 * `pnpm spec:lint`: bundle the spec, validate it as OpenAPI 3.1 with swagger-parser, then apply
 * our own rules (tools/lib/spec-lint.ts). Exits 1 listing every problem.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { bundleSpec } from './bundle-spec.ts';
import { operations } from './lib/spec-bundle.ts';
import { lintSpec } from './lib/spec-lint.ts';

async function main(): Promise<void> {
  const { spec } = await bundleSpec();
  const problems: string[] = [];
  try {
    await SwaggerParser.validate(structuredClone(spec) as never);
  } catch (err) {
    problems.push(`OpenAPI validation: ${err instanceof Error ? err.message : String(err)}`);
  }
  problems.push(...lintSpec(spec));
  const count = [...operations(spec)].length;
  if (problems.length) {
    console.error(
      `spec lint: ${problems.length} problem(s) in ${count} operations:\n  - ${problems.join('\n  - ')}`,
    );
    process.exit(1);
  }
  console.log(`spec lint: ok (${count} operations, ${Object.keys(spec.paths).length} paths)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
