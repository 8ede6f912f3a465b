/** Output helpers shared by the benchmarks: the machine line, aligned tables, argument parsing. */
import { availableParallelism, cpus, totalmem, type as osType, release } from 'node:os';

/** One line describing where the figures come from. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const mem = (totalmem() / 1024 ** 3).toFixed(1);
  return `${availableParallelism()} cores (${cpu}), ${mem} GiB RAM, ${osType()} ${release()}, Node ${process.version}`;
}

/**
 * How fast this machine is right now: the median time (ms) of a fixed CPU workload, the parse and
 * serialization of a 250-item, 250 kB JSON page (what a list answer costs each side). The VM these
 * benchmarks run on is shared, and its speed swings by 2x between consecutive runs; printed at the
 * start and end of a run, it tells a slow machine from a slow change.
 */
export function cpuProbe(): number {
  const item = (i: number) => ({
    _id: i.toString(16).padStart(24, '0'),
    label: `session-${i}`,
    info: { a: { b: i } },
    tags: ['x', 'y'],
    created: '2026-01-01T00:00:00.000000+00:00',
    parents: { group: 'g', project: 'p'.repeat(24), subject: 's'.repeat(24) },
    subject: { _id: 's'.repeat(24), code: `sub-${i % 100}`, notes: 'n'.repeat(500) },
  });
  const text = JSON.stringify(Array.from({ length: 250 }, (_, i) => item(i)));
  for (let k = 0; k < 20; k++) JSON.stringify(JSON.parse(text)); // past the JIT's warm-up
  const times: number[] = [];
  for (let r = 0; r < 31; r++) {
    const t = performance.now();
    for (let k = 0; k < 5; k++) JSON.stringify(JSON.parse(text));
    times.push((performance.now() - t) / 5);
  }
  times.sort((a, b) => a - b);
  return times[15]!;
}

/** The output line of `cpuProbe` figures: one, or those taken at a run's start and end. */
export function machineSpeed(start: number, end?: number): string {
  const at = end === undefined ? '' : ` at the start, ${end.toFixed(3)} at the end`;
  return `machine speed (lib/report.ts cpuProbe, ms; lower is faster): ${start.toFixed(3)}${at}`;
}

/** A plain-text table: columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const numeric = header.map((_, c) =>
    rows.every((r) => /^[-+]?[\d.,]+( \S+)?$/.test(String(r[c]))),
  );
  const width = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(width[c]!) : cell.padEnd(width[c]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)]
    .join('\n')
    .concat('\n');
}

/** `--name 5` or `--name=5` from argv, else the fallback. */
export function numberArg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let v: string | undefined;
    if (a === `--${name}`) v = args[i + 1];
    else if (a.startsWith(`--${name}=`)) v = a.slice(name.length + 3);
    if (v !== undefined) {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
      return n;
    }
  }
  return fallback;
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);
