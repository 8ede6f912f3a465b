/** Output helpers shared by the benchmarks: the machine line, aligned tables, argument parsing. */
import { availableParallelism, cpus, totalmem, type as osType, release } from 'node:os';

/** One line describing where the figures come from. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const mem = (totalmem() / 1024 ** 3).toFixed(1);
  return `${availableParallelism()} cores (${cpu}), ${mem} GiB RAM, ${osType()} ${release()}, Node ${process.version}`;
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
