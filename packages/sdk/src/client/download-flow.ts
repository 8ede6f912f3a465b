/**
 * The download side of the generated methods (`<op>(…, dest)` and `<op>AsData`), loaded by the
 * first download so that a bundle keeps it out of its first chunk. Asks for `identity` encoding
 * (so Content-Length can be checked) unless `acceptEncoding` is given; a download to a path that
 * breaks mid-body is sent again, up to `maxRetries` times (the temp file of the failed attempt is
 * removed; nothing partial is ever renamed into place).
 */
import { ApiConnectionError, ConfigurationError } from '@fw/api';
import { DownloadError } from '../files/download-error.js';
import { iterateResponseBody, readResponseBytes } from '../files/download.js';
import { expectedContentIn, type ExpectedContent } from '../files/verify.js';
import type { ClientCore } from './core.js';
import type { DownloadDestination, DownloadOptions, ReadOptions } from './platform.js';

/** A download's options apart: the SDK's own, the known content, and the operation's query. */
function transferOptions(options: ReadOptions & object) {
  const { onProgress, signal, acceptEncoding, ...query } = options as ReadOptions & {
    acceptEncoding?: string;
  };
  return { onProgress, signal, acceptEncoding, query, expect: expectedContentIn(options) };
}

/** Send the operation and stream its body to a path (Node entry) or a WritableStream. */
export async function downloadOperation(
  core: ClientCore,
  op: string,
  path: readonly string[],
  dest: DownloadDestination,
  options: DownloadOptions & object,
): Promise<void> {
  const info = await core._info(op);
  const { onProgress, signal, acceptEncoding, query, expect } = transferOptions(options);
  let target = dest;
  if (typeof dest === 'string') {
    const { prepareDestination, writeToPath } = core._platform;
    if (!writeToPath) {
      throw new ConfigurationError(
        `Downloading to a file path needs the Node entry (import { Client } from "@fw/sdk/node"); on other runtimes pass a WritableStream`,
      );
    }
    // Fail on a bad local path before any request is made.
    if (prepareDestination) target = await prepareDestination(dest);
  }
  const send = async (): Promise<Response> => {
    const result = (await core._send(info, path, {
      query: { ...query, ...(signal ? { signal } : {}) },
      headers: { 'Accept-Encoding': acceptEncoding ?? 'identity' },
      parseAs: 'stream',
      raw: true,
    })) as { response: Response };
    return result.response;
  };
  // a known file's size and hash ride along with the progress callback (files/verify.ts)
  const progress = { ...(onProgress ? { onProgress } : {}), ...(expect ? { expect } : {}) };
  if (typeof target !== 'string') {
    await pipeChecked(await send(), target, { ...progress, ...(signal ? { signal } : {}) });
    return;
  }
  const maxRetries = (query as { maxRetries?: number }).maxRetries ?? core._maxRetries;
  for (let attempt = 0; ; attempt++) {
    try {
      await core._platform.writeToPath!(await send(), target, {
        ...progress,
        ...(signal ? { signal } : {}),
      });
      return;
    } catch (err) {
      if (attempt >= maxRetries || signal?.aborted || !brokenMidBody(err)) throw core._scrub(err);
    }
  }
}

/** Send the operation and read its whole body, with the same checks as a download. */
export async function readOperationBytes(
  core: ClientCore,
  op: string,
  path: readonly string[],
  options: ReadOptions & object,
): Promise<Uint8Array> {
  const info = await core._info(op);
  const { onProgress, signal, acceptEncoding, query, expect } = transferOptions(options);
  const result = (await core._send(info, path, {
    query: { ...query, ...(signal ? { signal } : {}) },
    // identity, as for downloads: an encoded body's length cannot be checked
    headers: { 'Accept-Encoding': acceptEncoding ?? 'identity' },
    parseAs: 'stream',
    raw: true,
  })) as {
    response: Response;
  };
  return readResponseBytes(result.response, {
    ...(onProgress ? { onProgress } : {}),
    ...(expect ? { expect } : {}),
    ...(signal ? { signal } : {}),
  });
}

/** A download that failed in its body (reset, stall, short): worth sending again. */
function brokenMidBody(err: unknown): boolean {
  if (!(err instanceof DownloadError) || err.status !== undefined) return false;
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof ApiConnectionError || /incomplete|interrupted/i.test(err.message);
}

/**
 * Write a response into a WritableStream with the same checks as a download to a path (HTTP
 * status, Content-Length, idle body): a short body aborts the stream and throws DownloadError.
 */
async function pipeChecked(
  response: Response,
  destination: WritableStream<Uint8Array>,
  options: {
    onProgress?: DownloadOptions['onProgress'];
    signal?: AbortSignal;
    expect?: ExpectedContent;
  },
): Promise<void> {
  const writer = destination.getWriter();
  try {
    for await (const chunk of iterateResponseBody(response, options)) await writer.write(chunk);
    await writer.close();
  } catch (err) {
    await writer.abort(err).catch(() => undefined);
    throw err;
  } finally {
    writer.releaseLock();
  }
}
