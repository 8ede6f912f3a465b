import { describe, expect, it } from 'vitest';
import { forEachConcurrent, mapConcurrent } from '../../src/files/concurrency.js';

/** A gate that tasks wait on; lets tests control completion order without timers. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('mapConcurrent', () => {
  it('never exceeds the limit and keeps input order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const items = Array.from({ length: 40 }, (_, i) => i);
    const out = await mapConcurrent(items, 3, async (n) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Finish in a scrambled order: later items sometimes finish first.
      for (let k = 0; k < (n * 7) % 5; k++) await tick();
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual(items.map((n) => n * 2));
    expect(maxInFlight).toBe(3);
  });

  it('reaches the limit and passes indexes', async () => {
    const gates = Array.from({ length: 4 }, () => deferred());
    const started: number[] = [];
    const p = mapConcurrent(['a', 'b', 'c', 'd'], 2, async (s, i) => {
      started.push(i);
      await gates[i]!.promise;
      return s + i;
    });
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await p).toEqual(['a0', 'b1', 'c2', 'd3']);
  });

  it('pulls lazily from a large async iterable (bounded memory)', async () => {
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < 1000; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        yield i;
      }
    }
    let sum = 0;
    await forEachConcurrent(source(), 4, async (n) => {
      await tick();
      sum += n;
      consumed++;
    });
    expect(sum).toBe((999 * 1000) / 2);
    expect(produced).toBe(1000);
    expect(maxAhead).toBeLessThanOrEqual(5);
  });

  it('rejects with the first error and stops scheduling', async () => {
    const started: number[] = [];
    const gate = deferred();
    let signalSeen: AbortSignal | undefined;
    const p = mapConcurrent(
      Array.from({ length: 100 }, (_, i) => i),
      2,
      async (n, _i, signal) => {
        started.push(n);
        if (n === 1) throw new Error('boom at 1');
        if (n === 0) signalSeen = signal;
        await gate.promise;
        return n;
      },
    );
    await expect(p).rejects.toThrow('boom at 1');
    expect(signalSeen?.aborted).toBe(true);
    gate.resolve();
    await tick();
    await tick();
    expect(Math.max(...started)).toBeLessThanOrEqual(2);
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it('stops a generator (return is called) on error', async () => {
    let finalized = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finalized = true;
      }
    }
    await expect(
      forEachConcurrent(source(), 3, (n) => {
        if (n === 5) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    for (let k = 0; k < 5 && !finalized; k++) await tick();
    expect(finalized).toBe(true);
  });

  it('abort rejects with the reason and stops scheduling', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const gates = Array.from({ length: 50 }, () => deferred());
    const p = forEachConcurrent(
      Array.from({ length: 50 }, (_, i) => i),
      2,
      async (n) => {
        started.push(n);
        await gates[n]!.promise;
      },
      { signal: controller.signal },
    );
    await tick();
    expect(started).toEqual([0, 1]);
    controller.abort(new Error('user cancelled'));
    await expect(p).rejects.toThrow('user cancelled');
    gates.forEach((g) => g.resolve());
    await tick();
    await tick();
    expect(started).toEqual([0, 1]);
  });

  it('rejects immediately with an already-aborted signal, calling nothing', async () => {
    let called = false;
    await expect(
      mapConcurrent(
        [1],
        1,
        () => {
          called = true;
        },
        { signal: AbortSignal.abort(new Error('pre-aborted')) },
      ),
    ).rejects.toThrow('pre-aborted');
    expect(called).toBe(false);
  });

  it('handles empty input, sync iterables and validates the limit', async () => {
    expect(await mapConcurrent([], 3, (x) => x)).toEqual([]);
    expect(await mapConcurrent(new Set([3, 1, 2]), 10, (x) => x * 10)).toEqual([30, 10, 20]);
    await expect(mapConcurrent([1], 0, (x) => x)).rejects.toThrow(RangeError);
  });
});
