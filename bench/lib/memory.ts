/**
 * Client-side memory measurement for the benchmarks: an interval sampler of
 * `process.memoryUsage()` plus, on Linux, the kernel's exact peak RSS of this process (VmHWM,
 * reset through /proc/self/clear_refs before each phase), which the sampler can miss between
 * ticks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MiB = 1024 * 1024;

/** A full garbage collection (exposes `gc` on first use; no `--expose-gc` flag needed). */
export function collectGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

function statusKb(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Reset this process's VmHWM to its current RSS; false where the kernel does not allow it. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return statusKb('VmHWM') !== undefined;
  } catch {
    return false;
  }
}

export interface MemoryReport {
  /** RSS and heap (used) at the start, after a full GC. */
  rssBefore: number;
  heapBefore: number;
  /** Highest RSS seen: max of the samples and, where available, the kernel's VmHWM. */
  rssPeak: number;
  /** Highest heapUsed sampled. */
  heapPeak: number;
  /** Whether rssPeak includes the kernel's exact peak (Linux) or only samples. */
  exactPeak: boolean;
  samples: number;
  /** Peak growth over the start, in MiB. */
  rssGrowthMiB: number;
  heapGrowthMiB: number;
}

/** Measure the client process's memory while `fn` runs (GC first, sampling every `intervalMs`). */
export async function measureMemory<T>(
  fn: () => Promise<T>,
  intervalMs = 10,
): Promise<{ result: T; memory: MemoryReport }> {
  collectGarbage();
  const start = process.memoryUsage();
  const exact = resetPeakRss();
  let rssPeak = start.rss;
  let heapPeak = start.heapUsed;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
    samples++;
  };
  const timer = setInterval(sample, intervalMs);
  let result: T;
  try {
    result = await fn();
  } finally {
    clearInterval(timer);
  }
  sample();
  const hwm = exact ? statusKb('VmHWM') : undefined;
  if (hwm !== undefined) rssPeak = Math.max(rssPeak, hwm);
  return {
    result,
    memory: {
      rssBefore: start.rss,
      heapBefore: start.heapUsed,
      rssPeak,
      heapPeak,
      exactPeak: hwm !== undefined,
      samples,
      rssGrowthMiB: (rssPeak - start.rss) / MiB,
      heapGrowthMiB: (heapPeak - start.heapUsed) / MiB,
    },
  };
}
