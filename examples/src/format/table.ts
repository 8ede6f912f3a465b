import { visibleWidth, type Style } from './style.ts';

export interface Column<Row> {
  header: string;
  /** The cell text for a row. */
  value: (row: Row) => unknown;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

/** Cell text: numbers rounded to 2 decimals, nothing printed for null/undefined. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(Math.round(value * 100) / 100);
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  return String(value);
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Lines of an aligned table: header, a rule, one line per row. */
export function renderTable<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  style: Style,
): string[] {
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const widths = columns.map((c, i) =>
    Math.max(visibleWidth(c.header), ...cells.map((r) => visibleWidth(r[i]!))),
  );
  const line = (texts: string[]) =>
    texts
      .map((t, i) => pad(t, widths[i]!, columns[i]!.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    style.bold(line(columns.map((c) => c.header))),
    style.dim(widths.map((w) => '─'.repeat(w)).join('  ')),
    ...cells.map(line),
  ];
}
