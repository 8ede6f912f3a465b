/**
 * The part of the XHR upload path the client needs when it is made: whether this runtime uses
 * it, and the base fetch that routes a marked upload to it. The rest (`xhr-upload.ts`: the
 * listeners, the XMLHttpRequest sender) loads with the first marked upload, so a client that
 * never uploads does not load it, nor the upload code that shares its chunk.
 */
import type { FetchLike } from '@fw/api';
import { requestStreamsSupported } from './request-streams.js';

/** Whether uploads with progress go through XMLHttpRequest in this runtime (browsers). */
export function xhrUploadsSupported(): boolean {
  return !requestStreamsSupported() && typeof XMLHttpRequest === 'function';
}

/** Header naming the registered listener of a marked upload (never sent: see xhr-upload.ts). */
export const XHR_UPLOAD_MARK = 'x-fw-sdk-xhr-upload';

/**
 * The client's base fetch where {@link xhrUploadsSupported}: marked requests go through
 * XMLHttpRequest with their listener, all others through the runtime's `fetch` unchanged.
 */
export const xhrAwareFetch: FetchLike = (request) => {
  const id = request.headers.get(XHR_UPLOAD_MARK);
  if (id === null) return globalThis.fetch(request);
  return import('./xhr-upload.js').then(({ sendMarked }) => sendMarked(request, id));
};
