import { Client } from './client.js';
import type { ClientOptions } from './core.js';
import { droneApiKey, type DroneLogin } from './drone.js';

/**
 * A `Client` acting as a device: logs in with the site's drone secret (`X-SciTran-*` headers),
 * reads the device's own key and answers a client with it. Python: `create_drone_client`.
 * Device keys skip the user key check, so `disableAuthCheck` defaults to true here.
 */
export async function createDroneClient(
  login: DroneLogin,
  options: ClientOptions = {},
): Promise<Client> {
  const key = await droneApiKey(login);
  return new Client(key, { disableAuthCheck: true, ...options });
}
