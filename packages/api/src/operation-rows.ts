/**
 * Turns the compact rows that `tools/gen-api.ts` (`compactRow`) writes into
 * `generated/operations.ts` back into `OperationInfo` objects. It is written by hand, so the
 * generated file holds only data; the row layout and the codes below must match the generator,
 * which a generator test checks by unpacking the table it wrote.
 */
import type { HttpMethod, OperationInfo, OperationTable } from './generated/operation-types.js';

/** Method codes of a row, by position (the generator's `METHOD_CODES`). */
const METHODS: readonly HttpMethod[] = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
];
const RESPONSES = ['json', 'binary', 'empty'] as const;

/** `[id, method code, path, query, flags, responseSchema, tags, extensions]`, trailing empties left out. */
type Row = [
  string,
  number,
  string,
  (string | [string, number, unknown?])[]?,
  number?,
  (string | 0)?,
  (string | string[])?,
  Record<string, unknown>?,
];

function unpack([
  id,
  method,
  path,
  query = [],
  flags = 0,
  schema = 0,
  tags = [],
  extensions = {},
]: Row): OperationInfo {
  const info: { -readonly [K in keyof OperationInfo]: OperationInfo[K] } = {
    id,
    method: METHODS[method]!,
    path,
    pathParams: Array.from(path.matchAll(/{([^}]+)}/g), (m) => m[1]!),
    queryParams: query.map((q) =>
      typeof q === 'string'
        ? { name: q, required: false }
        : q.length > 2
          ? { name: q[0], required: q[1] === 1, default: q[2] }
          : { name: q[0], required: q[1] === 1 },
    ),
    body: flags & 1 ? 'json' : flags & 2 ? 'multipart' : null,
    bodyRequired: (flags & 4) !== 0,
    response: RESPONSES[flags & 8 ? 1 : flags & 16 ? 2 : 0],
    paginated: (flags & 32) !== 0,
    tags: typeof tags === 'string' ? [tags] : tags,
    extensions,
  };
  if (schema !== 0) info.responseSchema = schema;
  return info;
}

/** The operation table from the generated JSON rows, keyed by operationId. */
export function buildOperationTable(json: string): OperationTable {
  const table: Record<string, OperationInfo> = {};
  for (const row of JSON.parse(json) as Row[]) table[row[0]] = unpack(row);
  return table as unknown as OperationTable;
}
