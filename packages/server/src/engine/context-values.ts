/**
 * Gear `context` inputs: a value looked up in `info.context.<name>` of the container a job runs
 * on, then of its ancestors up to the project; the nearest one wins. Used for a job's
 * config.json and by `GET /gears/{id}/context/{type}/{id}` (`GearContextValueOutput`).
 */
import { getRow, parseDoc, type ContainerRow, type Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';
import { isObj } from '../app/validate.js';

const UP = ['analysis', 'acquisition', 'session', 'subject', 'project'];

/** The container and its ancestors to the project, nearest first. */
function chain(db: Db, row: ContainerRow): ContainerRow[] {
  const out: ContainerRow[] = [row];
  const parents = (parseDoc(row).parents ?? {}) as Record<string, string>;
  const start = UP.indexOf(row.type);
  if (start < 0) return out;
  for (const lvl of UP.slice(start + 1)) {
    const r = parents[lvl] ? getRow(db, parents[lvl]) : undefined;
    if (r) out.push(r);
  }
  return out;
}

export interface ContextValue {
  found: boolean;
  value?: unknown;
  container_type?: string;
  id?: string;
  label?: string;
}

export function lookupContextValue(db: Db, row: ContainerRow, name: string): ContextValue {
  for (const r of chain(db, row)) {
    const doc: Doc = parseDoc(r);
    const ctx = isObj(doc.info) && isObj(doc.info.context) ? doc.info.context : undefined;
    if (ctx && Object.hasOwn(ctx, name))
      return {
        found: true,
        value: ctx[name],
        container_type: r.type,
        id: r.id,
        label: String(doc.label ?? doc.code ?? r.id),
      };
  }
  return { found: false };
}
