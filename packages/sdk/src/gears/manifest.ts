/**
 * The parts of a gear manifest (`manifest.json`) the SDK reads, and the types a gear author
 * derives from their own manifest (`as const`): config values typed by their declared `type`
 * (or `enum`), input names limited to the declared ones.
 */

/** One manifest input: a file, the job's API key, or a context value. */
export interface ManifestInput {
  base: 'file' | 'api-key' | 'context' | (string & {});
  optional?: boolean;
  description?: string;
  /** Allowed file types (`{ enum: ['nifti'] }`). */
  type?: { enum?: readonly string[] };
}

/** One manifest config option. */
export interface ManifestConfigOption {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | (string & {});
  default?: unknown;
  optional?: boolean;
  description?: string;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
}

/** The manifest fields used here; real manifests have more (author, license, …). */
export interface GearManifestLike {
  name?: string;
  inputs?: { readonly [name: string]: ManifestInput };
  config?: { readonly [name: string]: ManifestConfigOption };
  command?: string;
  custom?: { readonly [key: string]: unknown };
}

type Widen<E> = E extends string ? E : E extends number ? number : E extends boolean ? boolean : E;
type WidenAll<E> = E extends string ? string : Widen<E>;

/**
 * The TypeScript type of one config option's value: from `enum` (a literal union for strings),
 * else from `type`; a manifest imported from JSON (types widened to `string`) falls back to the
 * type of its `default`.
 */
export type ConfigValue<S> = S extends { enum: readonly (infer E)[] }
  ? S extends { type: 'string' }
    ? E
    : Widen<E>
  : S extends { type: 'number' | 'integer' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'string' }
        ? string
        : S extends { type: 'array' }
          ? unknown[]
          : S extends { type: 'object' }
            ? Record<string, unknown>
            : S extends { default: infer D }
              ? WidenAll<D>
              : unknown;

/** Options without a default: absent from config.json unless the job set them. */
type OptionalKeys<C> = {
  [K in keyof C]: C[K] extends { default: unknown } ? never : K;
}[keyof C];

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The `config` object of a gear's `config.json`: defaults merged with the job's values. Options
 * without a default may be absent. An untyped manifest gives `Record<string, unknown>`.
 */
export type GearConfig<M> = M extends { config: infer C }
  ? string extends keyof C
    ? Record<string, unknown>
    : Simplify<
        { -readonly [K in Exclude<keyof C, OptionalKeys<C>> & string]: ConfigValue<C[K]> } & {
          -readonly [K in OptionalKeys<C> & string]?: ConfigValue<C[K]>;
        }
      >
  : Record<string, unknown>;

/** The declared input names (any string for an untyped manifest). */
export type InputName<M> = M extends { inputs: infer I } ? keyof I & string : string;

/** Whether an input spec may have base `B` (`file` when absent; any when widened to `string`). */
type HasBase<S, B extends string> = S extends { base: infer X }
  ? string extends X
    ? true
    : X extends B
      ? true
      : false
  : B extends 'file'
    ? true
    : false;

/** The declared input names whose `base` is `B` (any string for an untyped manifest). */
export type InputNameOf<M, B extends string> = M extends { inputs: infer I }
  ? string extends keyof I
    ? string
    : { [K in keyof I]: HasBase<I[K], B> extends true ? K : never }[keyof I] & string
  : string;

/** Whether a gear document or manifest says it is an analysis gear. */
export function isAnalysisManifest(
  category: unknown,
  manifest: GearManifestLike | undefined,
): boolean {
  if (category === 'analysis') return true;
  const builder = manifest?.custom?.['gear-builder'] as { category?: unknown } | undefined;
  return builder?.category === 'analysis';
}
