import type { RouteTable } from '../../app/operations.js';
import { registerCrudRoutes } from './crud.js';
import { registerTagRoutes } from './tags.js';
import { registerNoteRoutes } from './notes.js';
import { registerInfoRoutes } from './info.js';
import { registerFileRoutes } from './files.js';
import { registerPermissionRoutes } from './permissions.js';
import { registerAnalysisRoutes } from './analyses.js';
import { registerChildRoutes } from './children.js';
import { registerBulkRoutes } from './bulk.js';

/** Every container family, written once and registered for each container type. */
export function registerContainerRoutes(routes: RouteTable): void {
  registerCrudRoutes(routes);
  registerTagRoutes(routes);
  registerNoteRoutes(routes);
  registerInfoRoutes(routes);
  registerFileRoutes(routes);
  registerPermissionRoutes(routes);
  registerAnalysisRoutes(routes);
  registerChildRoutes(routes);
  registerBulkRoutes(routes);
}
