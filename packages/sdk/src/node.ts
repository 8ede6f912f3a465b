/**
 * `@fw/sdk/node`: everything from `@fw/sdk`, plus a `Client` that reads the Flywheel CLI login
 * when no key is given, writes downloads to file paths, uploads local paths and trusts the CA
 * bundle named by `FW_SSL_CERT_FILE`.
 *
 * @module @fw/sdk/node
 */
import { Temporal as TemporalPolyfill } from 'temporal-polyfill';
import { Client as BaseClient } from './client/client.js';
import type { ClientOptions } from './client/core.js';
import { droneApiKey, type DroneLogin } from './client/drone.js';
import type { Platform } from './client/platform.js';
import { installTemporal, type TemporalApi } from './time/temporal.js';
import { caBundleFromEnv } from './node/ca.js';
import { readCliCredentials } from './node/credentials.js';
import { downloadToFile, prepareDestination } from './node/download.js';
import { installNodeFileSource } from './node/file-source.js';
import {
  checkViewFormat,
  runView,
  type ReadViewDataOptions,
  type ViewSource,
} from './views/exec.js';

export * from './index.js';
export * from './node/index.js';

/**
 * The native `Temporal` when the runtime has one, else temporal-polyfill's: on Node the time-zone
 * helpers always work (the neutral entry leaves the polyfill out; see `@fw/sdk/temporal`).
 */
export const Temporal: TemporalApi = installTemporal(TemporalPolyfill);

let caFetch: ((input: Request) => Promise<Response>) | null | undefined;
let caDispatcher: object | null | undefined;

function envDispatcher(): object | null {
  if (caDispatcher === undefined) {
    const bundle = caBundleFromEnv();
    caDispatcher = bundle?.dispatcher ?? null;
    caFetch = bundle ? (req: Request) => bundle.fetch(req) : null;
  }
  return caDispatcher;
}

/** The Node runtime hooks used by this entry's `Client`. */
export const nodePlatform: Platform = {
  setup: installNodeFileSource,
  readCredentials: () => readCliCredentials(),
  prepareDestination,
  writeToPath: (response, path, options) => downloadToFile(response, path, options),
  get fetch() {
    envDispatcher();
    return caFetch ?? undefined;
  },
  // A caller's own fetch gets the FW_SSL_CERT_FILE dispatcher as `init.dispatcher`.
  wrapFetch: (userFetch) => {
    const dispatcher = envDispatcher();
    if (!dispatcher) return userFetch;
    const withInit = userFetch as (input: Request, init?: RequestInit) => Promise<Response>;
    return (req) => withInit(req, { dispatcher } as RequestInit);
  },
};

/**
 * The Flywheel client for Node. `new Client()` reads `~/.config/flywheel/user.json` (the CLI
 * login); `FW_SSL_CERT_FILE` names a PEM CA bundle to trust.
 */
export class Client extends BaseClient {
  constructor(apiKey?: string | null, options: ClientOptions = {}) {
    super(apiKey, { ...options, platform: options.platform ?? nodePlatform });
  }

  /**
   * Run a view and write its data to `dest` (temp file + rename: no partial file on failure).
   * `format` as in `readViewData` (default `json`).
   */
  async saveViewData(
    view: ViewSource,
    containerId: string,
    dest: string,
    options: ReadViewDataOptions = {},
  ): Promise<void> {
    const format = checkViewFormat(options.format);
    await prepareDestination(dest);
    const id = await runView(this, view, containerId, options);
    await this._download('get_data_view_execution_data', [id], dest, {
      file_format: format,
      ...(options.signal ? { signal: options.signal } : {}),
    } as never);
  }
}

/**
 * A Node `Client` acting as a device: logs in with the site's drone secret and uses the
 * device's own key (see `droneApiKey`). Python: `create_drone_client`.
 */
export async function createDroneClient(
  login: DroneLogin,
  options: ClientOptions = {},
): Promise<Client> {
  return new Client(await droneApiKey(login), { disableAuthCheck: true, ...options });
}

// Writing gears in TypeScript: GearContext (reads the gear folder; its client is this Client).
export * from './node/gear/index.js';
