/**
 * Compare our bundled spec with the 2019 reference description by method + path, ignoring the
 * names of path parameters (`/projects/{ProjectId}` matches `/projects/{Id}`).
 */
import { HTTP_METHODS } from './spec-bundle.ts';

export interface OpRef {
  key: string;
  method: string;
  path: string;
  operationId: string;
  tag: string;
}

export interface CoverageReport {
  covered: OpRef[];
  missing: OpRef[];
  extra: OpRef[];
  referenceTotal: number;
}

/** `GET /projects/{}` for `get` + `/projects/{ProjectId}`. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`;
}

export function listOperations(doc: unknown): OpRef[] {
  const out: OpRef[] = [];
  const paths = (doc as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method] as { operationId?: string; tags?: string[] } | undefined;
      if (!op) continue;
      out.push({
        key: operationKey(method, path),
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? '(no operationId)',
        tag: op.tags?.[0] ?? '(untagged)',
      });
    }
  }
  return out;
}

/** Compare our spec with a reference: another spec document, or a list of its operations. */
export function compareSpecs(ours: unknown, reference: unknown): CoverageReport {
  const mine = listOperations(ours);
  const ref = Array.isArray(reference) ? (reference as OpRef[]) : listOperations(reference);
  const mineKeys = new Set(mine.map((o) => o.key));
  const refKeys = new Set(ref.map((o) => o.key));
  return {
    covered: ref.filter((o) => mineKeys.has(o.key)),
    missing: ref.filter((o) => !mineKeys.has(o.key)),
    extra: mine.filter((o) => !refKeys.has(o.key)),
    referenceTotal: ref.length,
  };
}

function byTag(ops: OpRef[]): string[] {
  const groups = new Map<string, OpRef[]>();
  for (const o of ops) groups.set(o.tag, [...(groups.get(o.tag) ?? []), o]);
  const lines: string[] = [];
  for (const tag of [...groups.keys()].sort()) {
    const list = groups
      .get(tag)!
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    lines.push(`  ${tag} (${list.length})`);
    for (const o of list) lines.push(`    ${o.method.padEnd(6)} ${o.path}  ${o.operationId}`);
  }
  return lines;
}

export function formatCoverage(r: CoverageReport, label = 'coverage'): string {
  const lines: string[] = [];
  lines.push(`reference operations we lack (${r.missing.length}), by reference tag:`);
  lines.push(...(r.missing.length ? byTag(r.missing) : ['  (none)']));
  lines.push('');
  lines.push(`our operations not in the reference (${r.extra.length}):`);
  lines.push(...(r.extra.length ? byTag(r.extra) : ['  (none)']));
  lines.push('');
  lines.push(`${label}: ${r.covered.length}/${r.referenceTotal}`);
  return lines.join('\n');
}
