/**
 * `pnpm generate`: bundle the spec and regenerate everything derived from it.
 * `pnpm generate --check` (alias `pnpm check:generated`): write nothing, fail when a committed
 * generated file differs from what the generators produce, naming each stale file.
 */
import { bundleSpec } from './bundle-spec.ts';
import { generateApi } from './gen-api.ts';
import { generateSdk } from './gen-sdk.ts';
import { generateFields } from './gen-fields.ts';
import { staleGenerated, writeGenerated, type GeneratedFiles } from './lib/generated.ts';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const { spec, files: specFiles } = await bundleSpec();
  const files: GeneratedFiles = {
    ...specFiles,
    ...(await generateApi(spec)),
    ...(await generateSdk(spec)),
    ...generateFields(spec),
  };
  if (check) {
    const stale = await staleGenerated(files);
    if (stale.length > 0) {
      console.error(
        `Generated files are out of date with the spec (run \`pnpm generate\` and commit):\n` +
          stale.map((p) => `  - ${p}`).join('\n'),
      );
      process.exit(1);
    }
    console.log(`generated files up to date (${Object.keys(files).length} checked)`);
    return;
  }
  const changed = await writeGenerated(files);
  console.log(
    changed.length === 0
      ? `nothing changed (${Object.keys(files).length} generated files)`
      : `regenerated:\n${changed.map((p) => `  - ${p}`).join('\n')}`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
