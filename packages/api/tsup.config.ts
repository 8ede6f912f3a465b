import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    operations: 'src/operations.ts',
    // Not a public entry: the base error class is a file of its own so that esbuild, which
    // groups modules by the entries that reach them, cannot merge it with the error classes
    // loaded on the first error answer (`api-errors.ts`); merged, an app's bundler would have to
    // put those classes in the first load.
    'flywheel-error': 'src/flywheel-error.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'neutral',
  sourcemap: true,
  clean: true,
  // `splitting` is left at tsup's default: the ES module entries share chunks (one operation
  // table, one set of error classes for all three), the CommonJS ones stay self-contained.
  // The redirect rules and the streaming multipart encoder are chunks of their own, loaded on
  // first use; the CommonJS entries inline them (no `import()`, which Jest's runtime can't run).
  // The version is inlined at build time (User-Agent); src/version.ts falls back when unbundled.
  define: { __FW_API_VERSION__: JSON.stringify(pkg.version) },
  // openapi-fetch's runtime is bundled: its CommonJS build exports `default` while its types say
  // `export =`, so a CJS bundle importing it gets `(0, import_openapi_fetch.default) is not a
  // function`. Its types stay a dependency (the declarations refer to them).
  noExternal: ['openapi-fetch'],
  external: [/^node:/],
});
