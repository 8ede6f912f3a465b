/**
 * Response bodies under an idle timeout. Node's fetch resolves once the headers are in; the body
 * arrives later and can stall or break at any point, so every read of it is bounded by the time
 * since the last chunk (`idleTimeoutMs`), and its failures become typed errors.
 */

/** Thrown (internally) when no chunk arrived for `ms`; mapped to `ApiTimeoutError` by the caller. */
export class BodyIdleTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no body data for ${ms} ms`);
  }
}

/** One `reader.read()`, rejected with `BodyIdleTimeout` when it takes longer than `idleMs`. */
export function readWithIdleTimeout<T>(
  reader: ReadableStreamDefaultReader<T>,
  idleMs: number,
): Promise<ReadableStreamReadResult<T>> {
  if (!(idleMs > 0)) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyIdleTimeout(idleMs)), idleMs);
  });
  return Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer));
}

/**
 * Read a whole body, each chunk within `idleMs` of the previous one. One timer per body, not one
 * per chunk: it notes when the last chunk came and, when it fires early, waits out the rest.
 * When the body has stalled it cancels the reader, which ends the pending read at once.
 */
export async function readBodyBytes(
  body: ReadableStream<Uint8Array> | null,
  idleMs: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let stalled: BodyIdleTimeout | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const watch = (wait: number): void => {
    timer = setTimeout(() => {
      const quiet = Date.now() - last;
      if (quiet < idleMs) return watch(idleMs - quiet);
      stalled = new BodyIdleTimeout(idleMs);
      reader.cancel(stalled).catch(() => undefined);
    }, wait);
  };
  if (idleMs > 0) {
    last = Date.now();
    watch(idleMs);
  }
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (stalled) throw stalled;
      if (done) break;
      if (timer !== undefined) last = Date.now();
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (err) {
    if (!stalled) await reader.cancel(err).catch(() => undefined);
    throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * The same body with the idle timeout applied to every chunk the consumer pulls; a failure is
 * passed to `mapError` so the consumer sees a typed error. `done` runs once, when the body ends
 * in any way (to release the caller's abort listener).
 */
export function guardBody(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  mapError: (err: unknown) => unknown,
  done: () => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const finish = (): void => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await readWithIdleTimeout(reader, idleMs);
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        finish();
        await reader.cancel(err).catch(() => undefined);
        controller.error(mapError(err));
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
