/**
 * The buffered body read keeps one idle timer per body (not one per chunk): the limit is still
 * the wait between two chunks, not the time of the whole body.
 */
import { describe, expect, it } from 'vitest';
import { BodyIdleTimeout, readBodyBytes } from '../src/body.js';

const encoder = new TextEncoder();

/** A body that sends `parts` one every `gapMs`, then ends (or, with `stall`, sends no more). */
function paced(parts: string[], gapMs: number, stall = false): ReadableStream<Uint8Array> {
  let sent = 0;
  let cancelled: unknown;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (sent === parts.length) {
        if (stall) await new Promise(() => undefined);
        c.close();
        return;
      }
      if (sent > 0) await new Promise((r) => setTimeout(r, gapMs));
      c.enqueue(encoder.encode(parts[sent++]!));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return Object.assign(stream, { cancelledWith: () => cancelled });
}

describe('readBodyBytes idle limit', () => {
  it('reads a body that takes longer than the limit in all, each chunk within it', async () => {
    const parts = ['{"a":', '1,', '"b":', '2}'];
    // 4 chunks 40 ms apart: 120 ms in all, against a 70 ms idle limit
    const bytes = await readBodyBytes(paced(parts, 40), 70);
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1,"b":2}');
  });

  it('fails with BodyIdleTimeout when a body stalls, and cancels it', async () => {
    const body = paced(['{"a":'], 10, true) as ReadableStream<Uint8Array> & {
      cancelledWith: () => unknown;
    };
    const started = Date.now();
    const err = await readBodyBytes(body, 50).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyIdleTimeout);
    expect((err as BodyIdleTimeout).ms).toBe(50);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(body.cancelledWith()).toBe(err);
  });

  it('joins several chunks in order', async () => {
    const bytes = await readBodyBytes(paced(['ab', 'cd', 'ef'], 1), 0);
    expect(new TextDecoder().decode(bytes)).toBe('abcdef');
  });
});
