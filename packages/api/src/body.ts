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

/**
 * One timer per body, not one per chunk: `waiting()` marks a read begun, `arrived()` a chunk in.
 * When the timer fires early it waits out the rest; when a read has waited `idleMs` it cancels
 * the reader, which ends the pending read at once, and `stalled` holds the error to throw.
 */
function idleWatch(reader: ReadableStreamDefaultReader<Uint8Array>, idleMs: number) {
  const watch = {
    stalled: undefined as BodyIdleTimeout | undefined,
    waiting(): void {
      if (!(idleMs > 0)) return;
      last = Date.now();
      reading = true;
      if (timer === undefined) arm(idleMs);
    },
    arrived(): void {
      reading = false;
    },
    stop(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  let reading = false;
  const arm = (wait: number): void => {
    timer = setTimeout(() => {
      timer = undefined;
      if (!reading) return; // the consumer has not asked for more: nothing is late
      const quiet = Date.now() - last;
      if (quiet < idleMs) return arm(idleMs - quiet);
      watch.stalled = new BodyIdleTimeout(idleMs);
      reader.cancel(watch.stalled).catch(() => undefined);
    }, wait);
  };
  return watch;
}

/** Read a whole body, each chunk within `idleMs` of the previous one. */
export async function readBodyBytes(
  body: ReadableStream<Uint8Array> | null,
  idleMs: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const idle = idleWatch(reader, idleMs);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      idle.waiting();
      const { done, value } = await reader.read();
      if (idle.stalled) throw idle.stalled;
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (err) {
    if (!idle.stalled) await reader.cancel(err).catch(() => undefined);
    throw err;
  } finally {
    idle.stop();
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
  const idle = idleWatch(reader, idleMs);
  let finished = false;
  const finish = (): void => {
    idle.stop();
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        idle.waiting();
        const { done: end, value } = await reader.read();
        idle.arrived();
        if (idle.stalled) throw idle.stalled;
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        finish();
        if (!idle.stalled) await reader.cancel(err).catch(() => undefined);
        controller.error(mapError(err));
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
