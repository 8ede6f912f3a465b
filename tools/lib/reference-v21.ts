/**
 * Reader for the v21 operation tables (`../shared/reference/sdk-21/ops-*.tsv`), the facts our
 * spec is measured against. The tables stay outside the repo; this only reads them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './generated.ts';
import { operationKey, type OpRef } from './spec-coverage.ts';

export const V21_DIR = join(repoRoot, '..', 'shared', 'reference', 'sdk-21');

export interface V21Operation {
  module: string;
  operation: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  bodyType: string;
  formFields: string;
  files: string;
  consumes: string;
  produces: string;
  responseType: string;
}

/** Every row of the ops tables (545 rows; several share one method + path). */
export function readV21Operations(dir = V21_DIR): V21Operation[] {
  if (!existsSync(dir)) return [];
  const rows: V21Operation[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /^ops-.*\.tsv$/.test(f))
    .sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(1)) {
      const c = line.split('\t');
      const list = (s = '') => s.split(',').filter(Boolean);
      rows.push({
        module: c[0]!,
        operation: c[1]!,
        method: c[2]!.toUpperCase(),
        path: c[3]!,
        pathParams: list(c[4]),
        queryParams: list(c[5]),
        headerParams: list(c[6]),
        bodyType: c[7] ?? '',
        formFields: c[8] ?? '',
        files: c[9] ?? '',
        consumes: c[10] ?? '',
        produces: c[11] ?? '',
        responseType: c[12] ?? '',
      });
    }
  }
  return rows;
}

/** The distinct method + path operations of the v21 reference, one `OpRef` each. */
export function v21Operations(dir = V21_DIR): OpRef[] {
  const byKey = new Map<string, OpRef>();
  for (const r of readV21Operations(dir)) {
    const key = operationKey(r.method, r.path);
    if (!byKey.has(key))
      byKey.set(key, {
        key,
        method: r.method,
        path: r.path,
        operationId: r.operation,
        tag: r.module.replace(/_api$/, ''),
      });
  }
  return [...byKey.values()];
}
