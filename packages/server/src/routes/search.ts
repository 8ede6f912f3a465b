import type { Hono } from 'hono';
import type { AppEnv } from '../app/context.js';
import { requireUser } from '../app/access.js';
import { badRequest } from '../app/errors.js';
import { replyUntyped } from '../app/json.js';

/** Placeholder until the search compiler lands. */
export function registerSearchRoutes(api: Hono<AppEnv>): void {
  api.post('/dataexplorer/search', (c) => {
    requireUser(c.get('user'));
    throw badRequest('search not implemented yet');
  });
  void replyUntyped;
}
