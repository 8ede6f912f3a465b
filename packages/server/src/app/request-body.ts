import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

/**
 * The most the server reads of a request body nobody consumed before it answers. Beyond it the
 * answer says `Connection: close` instead, so a rejected large upload is not read to the end.
 */
export const MAX_UNREAD_BODY = 8 * 1024 * 1024;

/** Read and discard `body` up to `limit` bytes; true when it ended within the limit. */
export async function discardBody(
  body: ReadableStream<Uint8Array>,
  limit = MAX_UNREAD_BODY,
): Promise<boolean> {
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      seen += value.byteLength;
      if (seen > limit) {
        await reader.cancel().catch(() => undefined);
        return false;
      }
    }
  } catch {
    return false; // the client went away: nothing to keep alive
  } finally {
    reader.releaseLock();
  }
}

const incomingOf = (c: Context<AppEnv>): IncomingMessage | undefined =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/**
 * Keep-alive safety for answers given before the request body was read (auth failures, bad
 * ids, 404/405/501, size limits). Without it @hono/node-server drains the body after the answer
 * and, when that takes over 500 ms (a busy event loop, a large body), destroys the socket. The
 * answer carried no `Connection: close`, so the client still holds the socket as idle and its
 * next request on it fails with "other side closed" (`fetch failed`).
 *
 * So: a body nobody read is read and discarded here, before the answer is sent (bounded by
 * {@link MAX_UNREAD_BODY}); a body that cannot be (too large, or a handler stopped half-way
 * through it) makes the answer `Connection: close`, and Node closes the socket cleanly after it.
 */
export const settleRequestBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const raw = c.req.raw;
  if (!raw.body) return;
  const incoming = incomingOf(c);
  if (incoming?.readableEnded) return;
  const declared = Number(c.req.header('content-length'));
  if (!raw.bodyUsed && !raw.body.locked && !(declared > MAX_UNREAD_BODY)) {
    if (await discardBody(raw.body)) return;
  }
  if (incoming === undefined) return; // in-process app.request(): no socket to protect
  const res = c.res;
  const headers = new Headers(res.headers);
  headers.set('Connection', 'close');
  c.res = new Response(res.body, { status: res.status, statusText: res.statusText, headers });
};
