/**
 * Request ids come from a pool of random bytes drawn in blocks: across the pool's refills every
 * id keeps its form and the ids stay apart.
 */
import { describe, expect, it } from 'vitest';
import { requestId } from '../src/app/ids.js';

describe('requestId', () => {
  it('is 8 random hex digits and the unix seconds, new each time, across pool refills', () => {
    const before = Math.floor(Date.now() / 1000);
    // 4096-byte pool, 4 bytes an id: 3000 ids take the pool through two refills
    const ids = Array.from({ length: 3000 }, () => requestId());
    const after = Math.floor(Date.now() / 1000);
    for (const id of ids) {
      const m = /^([0-9a-f]{8})-(\d+)$/.exec(id);
      expect(m, id).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThanOrEqual(before);
      expect(Number(m![2])).toBeLessThanOrEqual(after);
    }
    // 32 random bits each: a handful of collisions at most by chance, a reused pool gives 1000s
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBeGreaterThan(2990);
  });
});
