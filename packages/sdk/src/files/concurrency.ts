/**
 * Bounded-concurrency iteration for walking large hierarchies.
 *
 * The input is pulled lazily: at most `limit` items are taken from it before a slot frees up, so
 * a large async iterable is never materialised. The first error (or an abort) stops scheduling,
 * aborts the signal passed to in-flight calls, and rejects.
 */

export type ConcurrentInput<T> = Iterable<T> | AsyncIterable<T>;

export type ConcurrentFn<T, R> = (item: T, index: number, signal: AbortSignal) => R | Promise<R>;

export interface ConcurrentOptions {
  /** Aborting rejects with the signal's reason and stops scheduling new items. */
  signal?: AbortSignal | undefined;
}

function getIterator<T>(input: ConcurrentInput<T>): AsyncIterator<T> | Iterator<T> {
  if (input && typeof (input as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return (input as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (input && typeof (input as Iterable<T>)[Symbol.iterator] === 'function') {
    return (input as Iterable<T>)[Symbol.iterator]();
  }
  throw new TypeError('Expected an iterable or async iterable');
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Concurrency limit must be a positive integer, got ${limit}`);
  }
}

async function run<T, R>(
  input: ConcurrentInput<T>,
  limit: number,
  fn: ConcurrentFn<T, R>,
  options: ConcurrentOptions,
  onResult: ((index: number, value: R) => void) | undefined,
): Promise<void> {
  checkLimit(limit);
  const outer = options.signal;
  outer?.throwIfAborted();
  const iterator = getIterator(input);
  const controller = new AbortController();
  let failed = false;
  let failure: unknown;
  let done = false;
  let nextIndex = 0;
  // Serialise pulls: async generators queue anyway, but plain async iterators may not.
  let pulling: Promise<unknown> = Promise.resolve();

  return new Promise<void>((resolve, reject) => {
    let active = 0;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      failure = err;
      controller.abort(err);
      outer?.removeEventListener('abort', onAbort);
      void Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => undefined);
      reject(failure);
    };
    const onAbort = () => fail(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });

    const pull = (): Promise<IteratorResult<T> | undefined> => {
      const p = pulling.then(async () => {
        if (failed || done) return undefined;
        const r = await iterator.next();
        if (r.done) done = true;
        return r;
      });
      pulling = p.catch(() => undefined);
      return p;
    };

    const worker = async (): Promise<void> => {
      for (;;) {
        if (failed) return;
        const r = await pull();
        if (!r || r.done || failed) return;
        const index = nextIndex++;
        const value = await fn(r.value, index, controller.signal);
        if (failed) return;
        onResult?.(index, value);
      }
    };

    const workers: Promise<void>[] = [];
    for (let i = 0; i < limit; i++) {
      active++;
      workers.push(
        worker().then(
          () => {
            active--;
            if (active === 0 && !failed) {
              outer?.removeEventListener('abort', onAbort);
              resolve();
            }
          },
          (err) => {
            active--;
            fail(err);
          },
        ),
      );
    }
  });
}

/**
 * Map `fn` over `input` with at most `limit` calls in flight; results come back in input order.
 */
export async function mapConcurrent<T, R>(
  input: ConcurrentInput<T>,
  limit: number,
  fn: ConcurrentFn<T, R>,
  options: ConcurrentOptions = {},
): Promise<R[]> {
  const results: R[] = [];
  await run(input, limit, fn, options, (index, value) => {
    results[index] = value;
  });
  return results;
}

/** Call `fn` for every item of `input` with at most `limit` calls in flight. */
export async function forEachConcurrent<T>(
  input: ConcurrentInput<T>,
  limit: number,
  fn: ConcurrentFn<T, unknown>,
  options: ConcurrentOptions = {},
): Promise<void> {
  await run(input, limit, fn, options, undefined);
}
