/**
 * `@fw/api/operations`: the operation table as an entry of its own, so that code which needs it
 * only when it makes a call can load it then (`await import('@fw/api/operations')`) and a
 * bundle keeps its ~60 kB out of the first chunk. `@fw/sdk` loads it this way. The same table
 * is exported by `@fw/api` itself; in an ES module build both are one instance.
 *
 * @module @fw/api/operations
 */
export { operationTable } from './generated/operations.js';
export type {
  HttpMethod,
  OperationId,
  OperationInfo,
  OperationTable,
  QueryParamInfo,
} from './generated/operations.js';
