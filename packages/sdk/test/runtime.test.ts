/**
 * The runtime-neutral entry must not need Node: bundling `src/index.ts` for the browser (where
 * Node's built-in modules do not exist) must succeed, and the built `dist/index.js` must not
 * import a Node built-in anywhere in its static import graph.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isBuiltin = (spec: string) =>
  spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]!);

/** Static import specifiers of an ESM file. */
function importsOf(code: string): string[] {
  const specs: string[] = [];
  for (const m of code.matchAll(
    /(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g,
  )) {
    specs.push((m[1] ?? m[2])!);
  }
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

describe('runtime-neutral entry', () => {
  it('bundles for the browser platform (no Node built-ins reachable from src/index.ts)', () => {
    const out = mkdtempSync(join(tmpdir(), 'fw-sdk-bundle-'));
    const meta = join(out, 'meta.json');
    execFileSync(
      join(pkg, 'node_modules', '.bin', 'esbuild'),
      [
        'src/index.ts',
        '--bundle',
        '--platform=browser',
        '--format=esm',
        `--outfile=${join(out, 'index.js')}`,
        `--metafile=${meta}`,
        '--log-level=error',
      ],
      { cwd: pkg, stdio: 'pipe' },
    );
    const inputs = Object.keys(
      JSON.parse(readFileSync(meta, 'utf8')).inputs as Record<string, unknown>,
    );
    expect(inputs.some((i) => i.includes('src/node/'))).toBe(false);
    expect(inputs.some((i) => i.endsWith('src/client/client.ts'))).toBe(true);
    expect(inputs.filter((i) => isBuiltin(i))).toEqual([]);
  });

  it('the same bundle attempt fails for the Node entry (the check can detect Node imports)', () => {
    const out = mkdtempSync(join(tmpdir(), 'fw-sdk-bundle-'));
    expect(() =>
      execFileSync(
        join(pkg, 'node_modules', '.bin', 'esbuild'),
        [
          'src/node.ts',
          '--bundle',
          '--platform=browser',
          '--format=esm',
          `--outfile=${join(out, 'node.js')}`,
          '--log-level=silent',
        ],
        { cwd: pkg, stdio: 'pipe' },
      ),
    ).toThrow();
  });

  it('dist/index.js imports no Node built-in (transitively through its chunks)', () => {
    if (!existsSync(join(pkg, 'dist', 'index.js')) || !existsSync(join(pkg, 'dist', 'node.js'))) {
      execFileSync(join(pkg, 'node_modules', '.bin', 'tsup'), [], { cwd: pkg, stdio: 'pipe' });
    }
    const seen = new Set<string>();
    const external: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else external.push(spec);
      }
    };
    visit(join(pkg, 'dist', 'index.js'));
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter(isBuiltin)).toEqual([]);
    // and the Node entry does use them, so the scan is meaningful
    const nodeImports = importsOf(readFileSync(join(pkg, 'dist', 'node.js'), 'utf8'));
    expect(nodeImports.some(isBuiltin)).toBe(true);
  });
});
