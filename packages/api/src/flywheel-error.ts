/**
 * The base class of every error of `@fw/api`, in a module of its own: the errors of the first
 * load (`errors.ts`) and those loaded with the first error answer (`api-errors.ts`) both extend
 * it, and a bundler gives a module two such importers share a chunk of its own; this keeps that
 * chunk to the one class.
 */
/** Base class of every error thrown by `@fw/api`. */
export class FlywheelError extends Error {
  override name = 'FlywheelError';
  /**
   * Stable, machine-readable kind of error (`FW_NOT_FOUND`, `FW_TIMEOUT`, …); for
   * `ApiConnectionError` the low-level code (`ECONNRESET`) when one is known.
   */
  readonly code: string = 'FW_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
