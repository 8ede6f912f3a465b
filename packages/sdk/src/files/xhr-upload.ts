/**
 * Upload progress where `fetch` cannot stream a request body (browsers): such uploads go whole
 * through `XMLHttpRequest`, whose `upload.onprogress` reports the bytes as they leave.
 *
 * The XHR sender is a `fetch` look-alike (Request in, Response out) so that everything around
 * it stays the same as on the fetch path: for the multipart POST, the client's `@fw/api`
 * transport (headers, features, timeouts, abort, retries, typed errors, JSON parsing) calls it
 * as its base fetch; for signed-URL PUTs, `putToStorage` calls it instead of `fetch`. It
 * rejects the way browser `fetch` does: `TypeError` for a network failure, the signal's reason
 * for an abort (the transport then throws `ApiConnectionError`, `ApiAbortError` or
 * `ApiTimeoutError` as for fetch). Unlike fetch, XHR always follows redirects itself (the
 * browser drops `Authorization` on a cross-origin hop, as fetch's `follow` does).
 *
 * Which POST goes through XHR is told by a marker header ({@link markXhrUpload}) because the
 * transport copies a Request for each attempt and only its headers survive the copy; the
 * marker is removed before anything is sent.
 */
import { XHR_UPLOAD_MARK } from './xhr-route.js';

/** Called with the body bytes sent so far and the body's size (multipart framing included). */
export type UploadProgressListener = (sent: number, bodyTotal: number) => void;

/**
 * Progress to report while a body is in flight, in bytes of the files: `sent` of `bodyTotal`
 * body bytes scaled to `filesTotal` (the multipart framing is spread evenly over the files'
 * bytes, so the value never exceeds the total). Capped one byte below `filesTotal`: the total
 * is reported only once the server has answered, so "done" means saved, not merely sent.
 */
export function inFlightProgress(sent: number, bodyTotal: number, filesTotal: number): number {
  if (!(bodyTotal > 0) || !(filesTotal > 0) || !(sent > 0)) return 0;
  const scaled = Math.floor((Math.min(sent, bodyTotal) * filesTotal) / bodyTotal);
  return Math.min(filesTotal - 1, scaled);
}

/**
 * Request headers XHR refuses to set (the fetch standard's forbidden request headers, plus
 * `User-Agent`, which Chromium refuses in XHR and drops silently in fetch). Skipping them
 * keeps the console free of "Refused to set unsafe header" errors; the browser sets its own.
 */
const UNSAFE_HEADERS = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'via',
]);

export function isUnsafeXhrHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return UNSAFE_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-');
}

/** `getAllResponseHeaders()` text (`name: value` lines) as Headers. */
export function parseResponseHeaders(text: string): Headers {
  const headers = new Headers();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      // a header Headers will not hold (invalid name): not one the SDK reads
    }
  }
  return headers;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Send `request` with XMLHttpRequest (its body read whole as a Blob first: a FormData body
 * becomes its encoded multipart bytes, matching the request's Content-Type boundary), reporting
 * upload progress to `listener`. `headers` replaces the request's own when given.
 */
export async function sendWithXhr(
  request: Request,
  listener: UploadProgressListener,
  headers: Headers = request.headers,
): Promise<Response> {
  const signal = request.signal;
  const abortReason = (): unknown =>
    signal.reason ?? new DOMException('The upload was aborted', 'AbortError');
  if (signal.aborted) throw abortReason();
  const method = request.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? null : await request.blob();
  if (signal.aborted) throw abortReason();
  return new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = (): void => xhr.abort();
    const settle = (): void => signal.removeEventListener('abort', onAbort);
    xhr.open(method, request.url, true);
    xhr.responseType = 'arraybuffer';
    xhr.withCredentials = request.credentials === 'include';
    headers.forEach((value, name) => {
      if (!isUnsafeXhrHeader(name)) xhr.setRequestHeader(name, value);
    });
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) listener(event.loaded, event.total);
    };
    xhr.onload = () => {
      settle();
      if (xhr.status === 0) return reject(new TypeError('Failed to fetch (no HTTP status)'));
      resolve(
        new Response(NULL_BODY_STATUSES.has(xhr.status) ? null : (xhr.response as ArrayBuffer), {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: parseResponseHeaders(xhr.getAllResponseHeaders()),
        }),
      );
    };
    xhr.onerror = () => {
      settle();
      reject(new TypeError('Failed to fetch (network error during the upload)'));
    };
    xhr.onabort = () => {
      settle();
      reject(abortReason());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    xhr.send(body);
  });
}

const listeners = new Map<string, UploadProgressListener>();
let nextId = 0;

/**
 * Register `listener` for one upload: put the returned `headers` on the request, and call
 * `release` when the call is over (answered or failed).
 */
export function markXhrUpload(listener: UploadProgressListener): {
  headers: Record<string, string>;
  release(): void;
} {
  const id = String(++nextId);
  listeners.set(id, listener);
  return { headers: { [XHR_UPLOAD_MARK]: id }, release: () => listeners.delete(id) };
}

/**
 * Send a request marked for `id` (see `xhrAwareFetch`): through XMLHttpRequest with its
 * listener, the marker removed; a marker whose call is over (cannot happen through the SDK) is
 * sent as fetch would send it.
 */
export function sendMarked(request: Request, id: string): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.delete(XHR_UPLOAD_MARK);
  const listener = listeners.get(id);
  if (!listener) return globalThis.fetch(new Request(request, { headers }));
  return sendWithXhr(request, listener, headers);
}
