/**
 * Running data views (v21's asynchronous flow): queue an execution, poll it with backoff and an
 * overall timeout (an `AbortSignal` stops the wait), then stream `…/data?file_format=`.
 */
import type { ClientCore } from '../client/core.js';
import { ViewBuilder, type DataView } from './builder.js';
import type { RunHooks } from './run.js';

/** A view to run: a builder, its built JSON, or the id of a saved view. */
export type ViewSource = ViewBuilder | DataView | string;

/** Formats `readViewData` can return. */
export type ViewDataFormat = 'csv' | 'tsv' | 'json' | 'json-flat' | 'json-row';
const FORMATS: readonly string[] = ['csv', 'tsv', 'json', 'json-flat', 'json-row'];

export interface ViewRunOptions {
  /** Extra row filter, ANDed with the view's (`column=value,…`). */
  filter?: string;
  skip?: number;
  limit?: number;
  /** Overall wait for the execution, in ms (default 10 minutes). */
  timeoutMs?: number;
  /** First poll interval in ms (default 100; grows ×1.5 up to 2 s). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface ReadViewDataOptions extends ViewRunOptions {
  /** Default `json`. */
  format?: ViewDataFormat;
}

/** The execution failed on the server, or did not finish in time. */
export class ViewExecutionError extends Error {
  readonly executionId: string | undefined;
  constructor(message: string, executionId?: string) {
    super(message);
    this.name = 'ViewExecutionError';
    this.executionId = executionId;
  }
}

const hooks: RunHooks = {
  body: (view) => (view instanceof ViewBuilder ? view.build() : view),
  failure: (message, executionId) => new ViewExecutionError(message, executionId),
};

export function checkViewFormat(format: string | undefined): string {
  const f = format ?? 'json';
  if (!FORMATS.includes(f))
    throw new TypeError(
      `format "${f}" is not a view data format: use one of ${FORMATS.join(', ')}`,
    );
  return f;
}

/**
 * Queue the view on `containerId` and wait until its execution completes; its id. The polling
 * and streaming code (`run.ts`) loads with the first view run, not with the client.
 */
export async function runView(
  client: ClientCore,
  view: ViewSource,
  containerId: string,
  options: ViewRunOptions = {},
): Promise<string> {
  return (await import('./run.js')).runView(client, view, containerId, options, hooks);
}

/** A column the server knows (`GET /views/columns`). */
export interface ViewColumnInfo {
  name: string;
  src?: string;
  type?: string;
  description: string;
  group?: string[];
  expr?: string;
  hidden?: boolean;
}

/** The client's view methods (mixed into `Client`). */
export const viewMethods = {
  /** A data view builder (Python's `fw.View(...)`); every method chains, `build()` gives the JSON. */
  View(options: ConstructorParameters<typeof ViewBuilder>[0] = {}): ViewBuilder {
    return new ViewBuilder(options);
  },

  /** Run a view on a container and stream its data (`format`: csv, tsv, json, json-flat, json-row). */
  async readViewData(
    this: ClientCore,
    view: ViewSource,
    containerId: string,
    options: ReadViewDataOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const format = checkViewFormat(options.format);
    const id = await runView(this, view, containerId, options);
    return (await import('./run.js')).executionData(this, id, format, options.signal);
  },

  /** Run a view and yield its rows one at a time (read as ndjson; the table is never held). */
  async *iterViewRows<T extends Record<string, unknown> = Record<string, unknown>>(
    this: ClientCore,
    view: ViewSource,
    containerId: string,
    options: ViewRunOptions = {},
  ): AsyncGenerator<T> {
    const id = await runView(this, view, containerId, options);
    const run = await import('./run.js');
    yield* run.ndjsonRows<T>(await run.executionData(this, id, 'ndjson', options.signal));
  },

  /** The columns a view can use; `filter` keeps names containing it (case-insensitive). */
  async getViewColumns(this: ClientCore, filter?: string): Promise<ViewColumnInfo[]> {
    const all =
      (await (
        this as unknown as { dataViewColumns(): Promise<ViewColumnInfo[]> }
      ).dataViewColumns()) ?? [];
    const f = filter?.toLowerCase();
    return f ? all.filter((c) => c.name.toLowerCase().includes(f)) : all;
  },
};
