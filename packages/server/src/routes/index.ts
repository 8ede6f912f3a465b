import type { Hono } from 'hono';
import type { AppEnv } from '../app/context.js';
import { registerSystemRoutes } from './system.js';
import { registerUserRoutes } from './users.js';
import { registerContainerRoutes } from './containers.js';
import { registerResolveRoutes } from './resolve.js';
import { registerModalityRoutes } from './modalities.js';
import { registerRoleRoutes } from './roles.js';
import { registerJobRoutes } from './jobs.js';
import { registerGearRoutes } from './gears.js';
import { registerDownloadRoutes } from './download.js';
import { registerSearchRoutes } from './search.js';

export function registerRoutes(api: Hono<AppEnv>): void {
  registerSystemRoutes(api);
  registerUserRoutes(api);
  registerResolveRoutes(api);
  registerModalityRoutes(api);
  registerRoleRoutes(api);
  registerJobRoutes(api);
  registerGearRoutes(api);
  registerDownloadRoutes(api);
  registerSearchRoutes(api);
  registerContainerRoutes(api);
}
