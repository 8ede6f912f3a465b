import type { HttpBindings } from '@hono/node-server';
import type { Db } from '../db/open.js';
import type { BlobStore } from '../storage/index.js';
import type { UploadSettings } from './signed-uploads.js';
import type { MatchedOperation } from './operations.js';

export interface UserDoc {
  _id: string;
  firstname?: string;
  lastname?: string;
  email?: string;
  root?: boolean;
  roles?: string[];
  disabled?: boolean;
  created?: string;
  modified?: string;
  [k: string]: unknown;
}

/** Everything a request handler needs besides the request itself. */
export interface AppState {
  db: Db;
  blobs: BlobStore;
  dataDir: string;
  /** Public origin, e.g. `http://127.0.0.1:1234` (set once listening). */
  origin: string;
  /** Largest accepted JSON body in bytes. */
  jsonLimit: number;
  /** Download ticket lifetime in ms. */
  ticketTtlMs: number;
  /** Signed-URL uploads: on/off, ticket lifetime, multipart part size. */
  uploads: UploadSettings;
  /**
   * The site's drone secret (`X-SciTran-Auth`); `startServer({ droneSecret })`, else the
   * `FW_DRONE_SECRET` environment variable. Unset: no drone logins.
   */
  droneSecret?: string;
}

export interface CurrentUser {
  doc: UserDoc;
  isAdmin: boolean;
  /** The raw key used on this request (only in memory, never logged or stored). */
  key: string | null;
}

export type AppEnv = {
  Bindings: HttpBindings;
  Variables: {
    state: AppState;
    user: CurrentUser | null;
    requestId: string;
    /** The spec operation the request matched (set by the route table). */
    op: MatchedOperation;
  };
};
