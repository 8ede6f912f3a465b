/**
 * `@fw/sdk/temporal`: `Temporal` for the time helpers on runtimes without a native one. Importing
 * it installs temporal-polyfill (as a module, no global) for `localTimestamp`,
 * `originalTimestamp` and the other time-zone helpers; the neutral `@fw/sdk` entry leaves the
 * polyfill out so that bundles that never use time zones do not carry it.
 *
 * @module @fw/sdk/temporal
 */
import { Temporal as Polyfill } from 'temporal-polyfill';
import { installTemporal, type TemporalApi } from './time/temporal.js';

export type { TemporalTypes, ZonedDateTime } from './time/temporal.js';

/** The native `Temporal` when the runtime has one, else temporal-polyfill's. */
export const Temporal: TemporalApi = installTemporal(Polyfill);
