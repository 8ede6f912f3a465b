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
import type { OperationInfo } from '@fw/api';
import type { ClientCore } from './core.js';
import type { DownloadDestination, DownloadOptions, ReadOptions } from './platform.js';

/** What the body of a download is checked for as it is read. */
interface BodyChecks {
  onProgress?: DownloadOptions['onProgress'];
  signal?: AbortSignal;
  /** A known file's size and hash (files/verify.ts). */
  expect?: ExpectedContent;
}

/**
 * A download's options apart: `send` asks for the body (identity encoding unless
 * `acceptEncoding` is given: an encoded body's length cannot be checked), `checks` are what its
 * reader checks, `query` is the rest (the operation's query and call options).
 */
function transfer(
  core: ClientCore,
  info: OperationInfo,
  path: readonly string[],
  options: ReadOptions & object,
) {
  const { onProgress, signal, acceptEncoding, ...query } = options as ReadOptions & {
    acceptEncoding?: string;
  };
  const expect = expectedContentIn(options);
  const checks: BodyChecks = {
    ...(onProgress ? { onProgress } : {}),
    ...(expect ? { expect } : {}),
    ...(signal ? { signal } : {}),
  };
  const send = async (): Promise<Response> => {
    const result = (await core._send(info, path, {
      query: { ...query, ...(signal ? { signal } : {}) },
      headers: { 'Accept-Encoding': acceptEncoding ?? 'identity' },
      parseAs: 'stream',
      raw: true,
    })) as { response: Response };
    return result.response;
  };
  return { send, checks, signal, query };
}

/** Send the operation and stream its body to a path (Node entry) or a WritableStream. */
export async function downloadOperation(
  core: ClientCore,
  op: string,
  path: readonly string[],
  dest: DownloadDestination,
  options: DownloadOptions & object,
): Promise<void> {
  const { send, checks, signal, query } = transfer(core, await core._info(op), path, options);
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
  if (typeof target !== 'string') {
    await pipeChecked(await send(), target, checks);
    return;
  }
  const maxRetries = (query as { maxRetries?: number }).maxRetries ?? core._maxRetries;
  for (let attempt = 0; ; attempt++) {
    try {
      await core._platform.writeToPath!(await send(), target, checks);
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
  const { send, checks } = transfer(core, await core._info(op), path, options);
  return readResponseBytes(await send(), checks);
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
  options: BodyChecks,
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
