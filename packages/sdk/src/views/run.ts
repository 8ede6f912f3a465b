/**
 * The work of a view run, loaded with the first one (see `exec.ts`): queue the execution, poll it
 * with backoff until it completes, fails or runs out of time, and stream its data.
 */
import { abortableSleep } from '@fw/api';
import type { ClientCore } from '../client/core.js';
import type { DataView, ViewBuilder } from './builder.js';
import type { ViewRunOptions, ViewSource } from './exec.js';

/**
 * What `exec.ts` hands the runner. Taking them as arguments keeps this chunk free of value
 * imports back into the main chunk (`ViewBuilder`, `ViewExecutionError`).
 */
export interface RunHooks {
  /** The JSON an ad-hoc view sends: a builder built, a view as it is. */
  body(view: ViewBuilder | DataView): DataView;
  /** The error of a failed or late execution. */
  failure(message: string, executionId: string): Error;
}

/** `runView` (exec.ts), loaded. */
export async function runView(
  client: ClientCore,
  view: ViewSource,
  containerId: string,
  options: ViewRunOptions,
  { body, failure }: RunHooks,
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
      : await c.queueAdhoc(body(view), query);
  const id = exec._id;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let wait = options.pollIntervalMs ?? 100;
  for (;;) {
    const e = await c.getDataViewExecution(id, signal ? { signal } : {});
    if (e.state === 'completed') return id;
    if (e.state === 'failed')
      throw failure(
        `Execution of data view failed${e.error ? `: ${e.error}` : ''} (execution ${id})`,
        id,
      );
    if (Date.now() + wait > deadline)
      throw failure(
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
