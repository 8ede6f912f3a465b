/**
 * `@fw/api/operations`: the operation table as an entry of its own, so that code which needs it
 * only when it makes a call can load it then (`await import('@fw/api/operations')`) and a
 * bundle keeps its ~60 kB out of the first chunk. `@fw/sdk` loads it this way. `@fw/api` itself
 * never imports it.
 *
 * @module @fw/api/operations
 */
export * from './generated/operations.js';
