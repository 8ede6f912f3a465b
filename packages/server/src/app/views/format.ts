/**
 * Writing view rows in the data formats (`csv`, `tsv`, `json`, `json-flat`, `json-row`,
 * `ndjson`), one row at a time: the output is a stream, never a whole table.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { badRequest } from '../errors.js';
import type { Row } from './evaluate.js';

export const FORMATS = ['csv', 'tsv', 'json', 'json-flat', 'json-row', 'json-row-column', 'ndjson'];

export const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export function checkFormat(f: string | undefined): string {
  const format = f ?? 'json';
  if (!FORMATS.includes(format))
    throw badRequest(`file_format "${format}" is not one of ${FORMATS.join(', ')}`);
  return format;
}

const cell = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v;

/** The rows of an ndjson file, read line by line. */
export async function* readNdjson(path: string): AsyncGenerator<Row> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as Row;
}

/** `rows` (with the column names known up front) as a byte stream in `format`. */
export function formatRows(rows: AsyncIterable<Row>, columns: string[], format: string): Readable {
  async function* gen(): AsyncGenerator<string> {
    const delimiter = format === 'tsv' ? '\t' : ',';
    let first = true;
    if (format === 'csv' || format === 'tsv') yield stringify([columns], { delimiter });
    else if (format === 'json') yield '{"data":[';
    else if (format === 'json-flat') yield '[';
    else if (format === 'json-row' || format === 'json-row-column')
      yield `{"columns":${JSON.stringify(columns)},"rows":[`;
    for await (const row of rows) {
      const sep = first ? '' : ',';
      first = false;
      switch (format) {
        case 'csv':
        case 'tsv':
          yield stringify([columns.map((c) => cell(row[c]))], { delimiter });
          break;
        case 'ndjson':
          yield `${JSON.stringify(row)}\n`;
          break;
        case 'json-row':
        case 'json-row-column':
          yield sep + JSON.stringify(columns.map((c) => row[c] ?? null));
          break;
        default:
          yield sep + JSON.stringify(row);
      }
    }
    if (format === 'json') yield ']}';
    else if (format === 'json-flat') yield ']';
    else if (format === 'json-row' || format === 'json-row-column') yield ']}';
  }
  return Readable.from(gen());
}
