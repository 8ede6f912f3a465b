import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// temporal-polyfill ships only ESM: it is bundled (code and types) so that `require('@fw/sdk')`
// and CommonJS TypeScript projects (TS1479) work; see README "Bundled dependencies".
const bundled = ['temporal-polyfill', 'temporal-spec', 'temporal-utils'];

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', temporal: 'src/temporal.ts' },
  format: ['esm', 'cjs'],
  dts: { resolve: bundled },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The neutral entry must not pull in Node built-ins; only `@fw/sdk/node` imports `node:*`.
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  noExternal: bundled,
  external: ['@fw/api', '@fw/api/node', /^node:/],
  // The CommonJS build loads its lazy parts (the operation table, the upload flow, `where`) with
  // `require`, not `import()`: a CommonJS host without ES module support in its loader (Jest's
  // default runtime) cannot run `import()`.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
  // The version is inlined at build time (User-Agent); src/client/version.ts falls back when unbundled.
  define: { __FW_SDK_VERSION__: JSON.stringify(pkg.version) },
});
