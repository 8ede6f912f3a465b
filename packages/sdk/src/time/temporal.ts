/**
 * The Temporal implementation: the native global when the runtime has one, else temporal-polyfill
 * (imported as a module; no global is installed).
 */
import { Temporal as PolyfillTemporal } from 'temporal-polyfill';

export type { Temporal as TemporalTypes } from 'temporal-polyfill';

const nativeTemporal = (globalThis as { Temporal?: typeof PolyfillTemporal }).Temporal;

/** Native `Temporal` when present, else the polyfill's. */
export const Temporal: typeof PolyfillTemporal = nativeTemporal ?? PolyfillTemporal;

/** Zone-aware date-time returned by the time helpers. */
export type ZonedDateTime = PolyfillTemporal.ZonedDateTime;
