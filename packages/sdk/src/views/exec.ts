/**
 * Running data views (v21's asynchronous flow): queue an execution, poll it with backoff and an
 * overall timeout (an `AbortSignal` stops the wait), then stream `…/data?file_format=`.
 */
import { abortableSleep } from '@fw/api';
import type { ClientCore } from '../client/core.js';
import { ViewBuilder, type DataView } from './builder.js';

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

export function checkViewFormat(format: string | undefined): string {
  const f = format ?? 'json';
  if (!FORMATS.includes(f))
    throw new TypeError(
      `format "${f}" is not a view data format: use one of ${FORMATS.join(', ')}`,
    );
  return f;
}

/** Queue the view on `containerId` and wait until its execution completes; its id. */
export async function runView(
  client: ClientCore,
  view: ViewSource,
  containerId: string,
  options: ViewRunOptions = {},
): Promise<string> {
  if (typeof containerId !== 'string' || containerId === '')
    throw new TypeError(
      'containerId is required: the id of the project (or other container) the view reads',
    );
  const { filter, skip, limit, signal } = options;
  const query = {
    containerId,
    ...(filter !== undefined ? { filter } : {}),
    ...(skip !== undefined ? { skip } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(signal ? { signal } : {}),
  };
  const c = client as unknown as {
    queueSaved(id: string, q: object): Promise<{ _id: string }>;
    queueAdhoc(body: object, q: object): Promise<{ _id: string }>;
    getDataViewExecution(
      id: string,
      q?: object,
    ): Promise<{ _id: string; state?: string; error?: string }>;
  };
  signal?.throwIfAborted();
  const exec =
    typeof view === 'string'
      ? await c.queueSaved(view, query)
      : await c.queueAdhoc(view instanceof ViewBuilder ? view.build() : view, query);
  const id = exec._id;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let wait = options.pollIntervalMs ?? 100;
  for (;;) {
    const e = await c.getDataViewExecution(id, signal ? { signal } : {});
    if (e.state === 'completed') return id;
    if (e.state === 'failed')
      throw new ViewExecutionError(
        `Execution of data view failed${e.error ? `: ${e.error}` : ''} (execution ${id})`,
        id,
      );
    if (Date.now() + wait > deadline)
      throw new ViewExecutionError(
        `data view execution ${id} did not complete within ${options.timeoutMs ?? 600_000} ms (state ${e.state}); raise timeoutMs or narrow the view`,
        id,
      );
    await abortableSleep(wait, signal);
    wait = Math.min(wait * 1.5, 2000);
  }
}

/** The execution's data as a byte stream. */
export async function executionData(
  client: ClientCore,
  executionId: string,
  format: string,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const core = client as unknown as {
    _info(op: string): Promise<unknown>;
    _send(
      info: unknown,
      path: readonly string[],
      o: object,
    ): Promise<{ data: ReadableStream<Uint8Array> }>;
  };
  const res = await core._send(await core._info('get_data_view_execution_data'), [executionId], {
    query: { file_format: format, ...(signal ? { signal } : {}) },
    parseAs: 'stream',
    raw: true,
  });
  return res.data;
}

/** Rows of an ndjson byte stream, one at a time. */
export async function* ndjsonRows<T>(stream: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  let buf = '';
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) yield JSON.parse(line) as T;
      }
    }
    buf += decoder.decode();
    if (buf.trim()) yield JSON.parse(buf) as T;
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
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
    return executionData(this, id, format, options.signal);
  },

  /** Run a view and yield its rows one at a time (read as ndjson; the table is never held). */
  async *iterViewRows<T extends Record<string, unknown> = Record<string, unknown>>(
    this: ClientCore,
    view: ViewSource,
    containerId: string,
    options: ViewRunOptions = {},
  ): AsyncGenerator<T> {
    const id = await runView(this, view, containerId, options);
    yield* ndjsonRows<T>(await executionData(this, id, 'ndjson', options.signal));
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
