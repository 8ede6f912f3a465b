/**
 * Paths and ids: `resolve` walks a path of labels and also lists the children of its end;
 * `lookup` returns just the object at the path; `get` fetches any container by id.
 */
import type { Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { demoPath } from '../src/site/demo-paths.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

const labelOf = (node: { label?: unknown; name?: unknown; id?: unknown }) =>
  String(node.label ?? node.name ?? node.id);

export async function run(fw: Client, report: Report) {
  report.section('Resolve and lookup paths, get by id');

  report.call(`const { path, children } = await fw.resolve('${demoPath.project}')`);
  const resolved = await fw.resolve(demoPath.project);
  report.fields([
    ['path', resolved.path.map((n) => `${labelOf(n)} (${n.container_type})`).join(' › ')],
    [
      'children',
      `${resolved.children.length}: ${resolved.children.slice(0, 6).map(labelOf).join(', ')}, …`,
    ],
  ]);

  report.call(`const session = await fw.lookup('${demoPath.session}')`);
  const session = await fw.lookup(demoPath.session);
  report.fields([
    ['type', session.container_type],
    ['label', labelOf(session)],
    ['id', session.id],
  ]);

  report.call('await fw.get(session.id)  // any container, by id');
  const byId = await fw.get(session.id);
  report.fields([
    ['type', byId.container_type],
    ['label', labelOf(byId)],
    [
      'parents',
      Object.entries((byId as { parents?: Record<string, string | null> }).parents ?? {})
        .filter(([, id]) => id)
        .map(([level]) => level)
        .join(', '),
    ],
  ]);

  return {
    resolvedPath: resolved.path.map(labelOf),
    childLabels: resolved.children.map(labelOf),
    lookedUp: { type: session.container_type, id: session.id },
    gotById: { type: byId.container_type, label: labelOf(byId) },
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
