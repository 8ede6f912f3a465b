import { Hono } from 'hono';
import type { AppEnv, AppState } from './context.js';
import { authenticate } from './auth.js';
import { HttpError, statusOf } from './errors.js';
import { requestId } from './ids.js';
import { registerRoutes } from '../routes/index.js';
import { registerStorageRoutes } from '../routes/storage.js';
import { settleRequestBody } from './request-body.js';
import { corsMiddleware, type CorsOrigin } from './cors.js';

/** Build the Hono application: CORS, request ids, auth, routes under /api, storage URLs, JSON errors everywhere. */
export function createApp(
  state: AppState,
  log: (line: string) => void = () => undefined,
  options: { corsOrigin?: CorsOrigin | undefined } = {},
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // first, so that preflights are answered without auth and every answer (errors too) carries CORS
  app.use('*', corsMiddleware(options.corsOrigin));
  app.use('*', settleRequestBody);
  app.use('*', async (c, next) => {
    c.set('state', state);
    c.set('requestId', requestId());
    c.set('user', null);
    await next();
  });
  // signed upload URLs: outside /api, authorised by their token instead of an API key
  registerStorageRoutes(app);
  const api = new Hono<AppEnv>();
  api.use('*', authenticate);
  registerRoutes(api);
  app.route('/api', api);

  app.notFound((c) =>
    c.json(
      {
        message: `The resource ${c.req.method} ${c.req.path} could not be found`,
        status_code: 404,
        request_id: c.get('requestId'),
      },
      404,
    ),
  );
  app.onError((err, c) => {
    const status = statusOf(err);
    // 501 (a spec operation without a handler) is an answer, not a failure: its message names it
    const failure = status >= 500 && status !== 501;
    const message = failure ? 'Internal Server Error' : err.message;
    if (failure)
      log(`[${c.get('requestId')}] ${c.req.method} ${c.req.path}: ${err.stack ?? String(err)}`);
    const extra = err instanceof HttpError ? err.extra : {};
    return c.json(
      { ...extra, message, status_code: status, request_id: c.get('requestId') },
      status as never,
    );
  });
  return app;
}
