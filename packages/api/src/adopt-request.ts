/**
 * Adopting the Request a middleware returns. Loaded with the first middleware that swaps a
 * call's request (a smaller first load); it imports nothing, and is handed the transport's
 * `requestMeta` store, so a bundler keeps the transport in the first-load chunk.
 */
import type { RequestMeta } from './transport.js';

/**
 * The Request a middleware swapped in for `from`, as the transport can send it. openapi-fetch
 * takes back only the client's own Request class (`Own`): any other Request is adopted into it
 * as it is (same URL, headers and body). A copy is built from its own init, without the call's
 * options: it gets those its init did not set (time limits, retries, features, the caller's
 * signal, and streaming, so a download stays a stream); its body stays its own.
 */
export function adoptRequest(
  requestMeta: WeakMap<Request, RequestMeta>,
  Own: typeof Request,
  from: Request,
  to: Request,
): Request {
  const copy = to instanceof Own ? to : (Reflect.construct(Request, [to], Own) as Request);
  const given = requestMeta.get(from);
  if (!given || copy === from) return copy;
  const own = requestMeta.get(copy);
  if (!own) {
    const body = copy.body;
    requestMeta.set(copy, {
      ...given,
      body,
      replayable: body === null,
      prepared: false,
      redirect: undefined,
    });
    return copy;
  }
  own.timeoutMs ??= given.timeoutMs;
  own.idleTimeoutMs ??= given.idleTimeoutMs;
  own.maxRetries ??= given.maxRetries;
  own.features ??= given.features;
  own.signal ??= given.signal;
  if (given.bodyMode === 'stream') own.bodyMode = 'stream';
  return copy;
}
