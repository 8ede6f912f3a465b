export { ViewBuilder, ViewBuilderError } from './builder.js';
export type {
  DataView,
  ViewOptions,
  ViewColumnInput,
  FileMatch,
  MissingDataStrategy,
  NameFilter,
} from './builder.js';
export { ViewExecutionError, runView, viewMethods } from './exec.js';
export type {
  ViewSource,
  ViewDataFormat,
  ViewRunOptions,
  ReadViewDataOptions,
  ViewColumnInfo,
} from './exec.js';
