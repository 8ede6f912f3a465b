/**
 * Raw response access. Every SDK call takes an `onResponse` call option, called with the HTTP
 * response (headers, status) and its request id once the answer is in; `fw.withResponse(call)`
 * wraps that into `{ data, response, requestId }`. A call option rather than a promise subclass,
 * so each method's return type stays a plain, named `Promise<…>`.
 */

/** What `onResponse` receives and `withResponse` resolves with (besides `data`). */
export interface ResponseInfo {
  /** The HTTP response (its body has been consumed). */
  response: Response;
  /** The `X-Request-Id` header, when the server sent one. */
  requestId: string | undefined;
}

export type OnResponse = (info: ResponseInfo) => void;

export function responseInfo(response: Response): ResponseInfo {
  return { response, requestId: response.headers.get('x-request-id') ?? undefined };
}

/**
 * Run `call` with an `onResponse` option and resolve with its data and the last response it saw:
 * `const { data, response, requestId } = await fw.withResponse((o) => fw.getProject(id, o))`.
 */
export async function withResponseOf<T>(
  call: (options: { onResponse: OnResponse }) => Promise<T>,
): Promise<{ data: T } & ResponseInfo> {
  let seen: ResponseInfo | undefined;
  const data = await call({ onResponse: (info) => (seen = info) });
  if (!seen) {
    throw new TypeError(
      'withResponse: the call never passed its options on; give the options argument to an SDK method (`(o) => fw.getProject(id, o)`)',
    );
  }
  return { data, ...seen };
}
