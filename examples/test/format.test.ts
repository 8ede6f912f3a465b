import { expect, test } from 'vitest';
import { formatBytes, progressBar } from '../src/format/progress.ts';
import { colorWanted, createStyle } from '../src/format/style.ts';
import { renderTable } from '../src/format/table.ts';

test('tables align columns and right-align numbers', () => {
  const lines = renderTable(
    [
      { header: 'name', value: (r: { name: string; size: number }) => r.name },
      { header: 'size', value: (r) => r.size, align: 'right' },
    ],
    [
      { name: 'a.nii.gz', size: 5 },
      { name: 'b', size: 1234 },
    ],
    createStyle(false),
  );
  expect(lines).toEqual(['name      size', '────────  ────', 'a.nii.gz     5', 'b         1234']);
});

test('progress bars and byte sizes read naturally', () => {
  expect(progressBar(50, 100, 'items', 10)).toBe('[█████░░░░░]  50%  50 / 100');
  expect(formatBytes(999)).toBe('999 B');
  expect(formatBytes(6100)).toBe('6.1 kB');
});

test('colour only on a terminal without NO_COLOR', () => {
  expect(colorWanted({ isTTY: true }, {})).toBe(true);
  expect(colorWanted({ isTTY: false }, {})).toBe(false);
  expect(colorWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  expect(createStyle(false).red('x')).toBe('x');
});
