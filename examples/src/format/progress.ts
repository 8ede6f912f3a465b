export type Unit = 'bytes' | 'items';

/** A text progress bar: `[██████░░░░░░]  50%  1.2 kB / 2.4 kB` (or `10 / 20` for items). */
export function progressBar(
  loaded: number,
  total: number | undefined,
  unit: Unit = 'bytes',
  width = 24,
): string {
  const amount = unit === 'bytes' ? formatBytes : String;
  if (!total || total <= 0) return `${amount(loaded)} so far`;
  const ratio = Math.min(1, loaded / total);
  const filled = Math.round(ratio * width);
  const percent = `${Math.round(ratio * 100)}%`.padStart(4);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent}  ${amount(loaded)} / ${amount(total)}`;
}

/** Bytes for people: 512 B, 3.4 kB, 12.0 MB (powers of 1000, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(1)} ${units[unit]}`;
}
