/**
 * Where the time helpers get `Temporal` from. The polyfill is 55 kB of a bundle, and only the
 * time-zone helpers need it, so the runtime-neutral entry does not load it: it uses the native
 * global when the runtime has one, or the implementation a caller installs. `@fw/sdk/node`
 * installs temporal-polyfill itself, and `import { Temporal } from '@fw/sdk/temporal'` does on
 * any runtime. No global is ever installed.
 */
import type { Temporal as PolyfillTemporal } from 'temporal-polyfill';
import { ConfigurationError } from '@fw/api';

export type { Temporal as TemporalTypes } from 'temporal-polyfill';

/** The `Temporal` namespace (native or temporal-polyfill's). */
export type TemporalApi = typeof PolyfillTemporal;

/** Zone-aware date-time returned by the time helpers. */
export type ZonedDateTime = PolyfillTemporal.ZonedDateTime;

let installed: TemporalApi | undefined;

/**
 * Give the time helpers a `Temporal` implementation (a native one always wins). Returns the one
 * they use from now on. `@fw/sdk/temporal` and `@fw/sdk/node` call this with temporal-polyfill.
 */
export function installTemporal(api: TemporalApi): TemporalApi {
  installed ??= api;
  return temporalApi();
}

/** The `Temporal` the time helpers use; throws a `ConfigurationError` saying how to get one. */
export function temporalApi(): TemporalApi {
  const api = (globalThis as { Temporal?: TemporalApi }).Temporal ?? installed;
  if (!api) {
    throw new ConfigurationError(
      'The time-zone helpers need Temporal, which this runtime does not have: import it once ' +
        "with `import { Temporal } from '@fw/sdk/temporal'` (it loads temporal-polyfill), or use " +
        '`@fw/sdk/node`, which does that itself',
    );
  }
  return api;
}
