import type { Hono } from 'hono';
import type { AppEnv } from '../app/context.js';
import { STORAGE_UPLOAD_PATH } from '../app/signed-uploads.js';
import { receiveUploadPart } from '../storage/index.js';

/**
 * The server's own "signed URL" storage endpoint (mounted outside `/api`, no API key: the
 * single-use token in the URL is the authorisation). `PUT` streams the body into a blob and
 * answers `ETag`; errors are the usual JSON body (403 used/expired, 404 unknown token).
 */
export function registerStorageRoutes(app: Hono<AppEnv>): void {
  app.put(`${STORAGE_UPLOAD_PATH}/:token`, async (c) => {
    const { db, blobs } = c.get('state');
    const r = await receiveUploadPart(db, blobs, c.req.param('token'), c.env.incoming);
    return c.body(null, 200, { ETag: `"${r.etag}"` });
  });
}
