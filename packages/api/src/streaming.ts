/**
 * Streaming downloads. Call a download operation with `parseAs: 'stream'` and the result's `data`
 * is the response body stream, never buffered:
 *
 *   const { data } = await api.GET('/projects/{ProjectId}/files/{FileName}', { params, parseAs: 'stream' });
 *   await downloadToStream(data, writable);
 */

/** What the helpers accept: a body stream, a `Response`, or an openapi-fetch result. */
export type DownloadSource =
  | ReadableStream<Uint8Array>
  | Response
  | { data?: ReadableStream<Uint8Array> | null | unknown; response: Response }
  | null
  | undefined;

const empty = (): ReadableStream<Uint8Array> =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.close();
    },
  });

/** The body stream of a response or openapi-fetch result (an empty stream when there is none). */
export function responseBodyStream(source: DownloadSource): ReadableStream<Uint8Array> {
  if (source == null) return empty();
  if (source instanceof ReadableStream) return source;
  if (source instanceof Response) return source.body ?? empty();
  if (source.data instanceof ReadableStream) return source.data as ReadableStream<Uint8Array>;
  if (source.data != null) {
    throw new TypeError(
      'responseBodyStream: the result was already parsed; call with `parseAs: "stream"`',
    );
  }
  return source.response.body ?? empty();
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called with the running byte count after each chunk. */
  onProgress?: (bytes: number) => void;
}

/** Pipe a download into a `WritableStream` chunk by chunk; resolves with the byte count. */
export async function downloadToStream(
  source: DownloadSource,
  destination: WritableStream<Uint8Array>,
  options: DownloadOptions = {},
): Promise<number> {
  let bytes = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      options.onProgress?.(bytes);
      controller.enqueue(chunk);
    },
  });
  await responseBodyStream(source)
    .pipeThrough(counter)
    .pipeTo(destination, options.signal ? { signal: options.signal } : {});
  return bytes;
}
