import type { OpHandler, RouteTable } from './operations.js';

/**
 * Register `handler` for `id` unless another module already serves it. For operations two
 * areas implement (session templates, project groups and delete status, uids, bulk moves,
 * master subject codes and the upload-by-label/uid/reaper operations are also served by the
 * container families on branch v21-srva): whichever registers first wins, so merging both
 * never registers an operation twice.
 */
export function onUnlessServed(routes: RouteTable, id: string, handler: OpHandler): void {
  if (routes.implemented().includes(id)) return;
  routes.on(id, handler);
}
