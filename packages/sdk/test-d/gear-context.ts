/**
 * Type-level pins of `GearContext<typeof manifest>`: config values typed from the manifest,
 * input names limited to the declared ones (by base where it matters). Compiled by
 * `pnpm typecheck`, never run.
 */
import { GearContext, type GearConfig, type GearFileInput } from '../src/node.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

const manifest = {
  name: 'typed',
  inputs: {
    t1: { base: 'file', type: { enum: ['nifti'] } },
    key: { base: 'api-key' },
    site: { base: 'context' },
  },
  config: {
    threshold: { type: 'number', default: 0.5 },
    iterations: { type: 'integer' },
    verbose: { type: 'boolean', default: false },
    mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
    title: { type: 'string' },
    note: { type: 'string', optional: true },
    list: { type: 'array', default: [] },
  },
} as const;

async function typed(ctx: GearContext<typeof manifest>) {
  assertType<Equal<typeof ctx.config.threshold, number>>();
  assertType<Equal<typeof ctx.config.iterations, number | undefined>>(); // no default: may be absent
  assertType<Equal<typeof ctx.config.verbose, boolean>>();
  assertType<Equal<typeof ctx.config.mode, 'fast' | 'slow'>>();
  assertType<Equal<typeof ctx.config.title, string | undefined>>();
  assertType<Equal<typeof ctx.config.note, string | undefined>>();
  assertType<Equal<typeof ctx.config.list, unknown[]>>();
  // @ts-expect-error not a config option of this manifest
  void ctx.config.thresold;

  const entry = ctx.getInput('t1');
  assertType<Equal<typeof entry, GearFileInput | undefined>>();
  const key = ctx.getInput('key');
  assertType<Equal<NonNullable<typeof key>['base'], 'api-key'>>();
  // @ts-expect-error only declared input names
  ctx.getInput('t2');
  const path: string = ctx.getInputPath('t1');
  // @ts-expect-error an api-key input has no path
  ctx.getInputPath('key');
  ctx.getContextValue('site');
  // @ts-expect-error a file input is not a context value
  ctx.getContextValue('t1');
  ctx.openInput('t1');
  void path;
}

// A manifest imported from JSON has widened types: values fall back to their default's type.
declare const fromJson: {
  inputs: { nifti: { base: string; optional?: undefined }; key: { base: string } };
  config: { bins: { type: string; default: number }; label: { type: string; default: string } };
};
async function widened(ctx: GearContext<typeof fromJson>) {
  assertType<Equal<typeof ctx.config.bins, number>>();
  assertType<Equal<typeof ctx.config.label, string>>();
  ctx.getInputPath('nifti');
  // @ts-expect-error still only declared names
  ctx.getInputPath('other');
}

// Untyped: any name, config as a record.
async function untyped(ctx: GearContext) {
  assertType<Equal<typeof ctx.config, Record<string, unknown>>>();
  ctx.getInputPath('anything');
  assertType<Equal<GearConfig<unknown>, Record<string, unknown>>>();
}

export { typed, widened, untyped };
