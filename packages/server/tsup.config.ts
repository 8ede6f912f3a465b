import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CommonJS bundle (body-schema.ts finds the spec next to the bundle)
  shims: true,
  external: ['better-sqlite3'],
  // the request-body validator reads the bundled spec at run time: ship it in dist/
  onSuccess: async () => {
    copyFileSync('../../openapi/flywheel.openapi.json', 'dist/flywheel.openapi.json');
  },
});
