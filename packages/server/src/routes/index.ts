import type { Hono } from 'hono';
import type { AppEnv } from '../app/context.js';
import { RouteTable } from '../app/operations.js';
import { registerSystemRoutes } from './system.js';
import { registerUserExtraRoutes, registerUserRoutes } from './users.js';
import { registerContainerRoutes } from './containers/index.js';
import { registerResolveRoutes } from './resolve.js';
import { registerModalityRoutes } from './modalities.js';
import { registerRoleRoutes } from './roles.js';
import { registerJobRoutes } from './jobs.js';
import { registerGearRoutes } from './gears.js';
import { registerDownloadRoutes } from './download.js';
import { registerSearchRoutes } from './search.js';
import { registerFileByIdRoutes } from './files-by-id.js';
import { registerJobAskRoutes, registerJobExtraRoutes } from './jobs-extra.js';
import { registerGearSeriesRoutes, registerGearSuggestRoutes } from './gear-series.js';
import { registerViewRoutes } from './views.js';
import { registerViewExecRoutes } from './view-exec.js';
import { registerBatchRoutes } from './batch.js';
import { registerUpsertRoutes } from './upsert.js';
import { registerSiteRoutes } from './site.js';
import { registerRuleRoutes } from './rules.js';
import { registerProjectSettingsRoutes } from './project-settings.js';
import { registerDataExplorerRoutes } from './dataexplorer.js';
import { registerCustomFilterRoutes } from './misc/custom-filters.js';
import { registerTreeRoutes } from './misc/tree.js';
import { registerChangeLogRoutes } from './misc/change-log.js';
import { registerBulkRoutes } from './misc/bulk.js';
import { registerContainerTypeRoutes } from './misc/container-type.js';
import { registerWorkflowRoutes } from './workflows.js';
import { registerUploadRoutes } from './upload.js';
import { registerDeviceRoutes } from './misc/devices.js';
import { registerMasterCodeRoutes } from './misc/master-code.js';
import { registerAuditTrailRoutes } from './misc/audit-trail.js';
import { registerReportRoutes } from './misc/reports.js';
import { registerPackfileRoutes } from './packfile.js';

/** The route table with every handler registered (no server, no database). */
export function buildRouteTable(): RouteTable {
  const routes = new RouteTable();
  registerSystemRoutes(routes);
  registerUserRoutes(routes);
  registerUserExtraRoutes(routes);
  registerResolveRoutes(routes);
  registerModalityRoutes(routes);
  registerRoleRoutes(routes);
  registerJobRoutes(routes);
  registerJobExtraRoutes(routes);
  registerJobAskRoutes(routes);
  registerGearRoutes(routes);
  registerGearSeriesRoutes(routes);
  registerGearSuggestRoutes(routes);
  registerViewRoutes(routes);
  registerViewExecRoutes(routes);
  registerBatchRoutes(routes);
  registerUpsertRoutes(routes);
  registerDownloadRoutes(routes);
  registerSearchRoutes(routes);
  registerContainerRoutes(routes);
  registerFileByIdRoutes(routes);
  registerSiteRoutes(routes);
  registerRuleRoutes(routes);
  registerProjectSettingsRoutes(routes);
  registerDataExplorerRoutes(routes);
  registerCustomFilterRoutes(routes);
  registerTreeRoutes(routes);
  registerChangeLogRoutes(routes);
  registerBulkRoutes(routes);
  registerContainerTypeRoutes(routes);
  registerWorkflowRoutes(routes);
  registerUploadRoutes(routes);
  registerDeviceRoutes(routes);
  registerMasterCodeRoutes(routes);
  registerAuditTrailRoutes(routes);
  registerReportRoutes(routes);
  registerPackfileRoutes(routes);
  return routes;
}

export function registerRoutes(api: Hono<AppEnv>): void {
  buildRouteTable().mount(api);
}

let implemented: string[] | undefined;
/** Sorted operationIds of the spec operations the server has a handler for. */
export function implementedOperations(): string[] {
  implemented ??= buildRouteTable().implemented();
  return [...implemented];
}
