import { ConfigurationError, createFlywheelFetch, type FetchLike } from '@fw/api';

/** Where and how a device logs in with the site's drone secret. */
export interface DroneLogin {
  /** Site host name, e.g. `flywheel.example.org` or `127.0.0.1`. */
  host: string;
  /** The site's drone secret, sent as `X-SciTran-Auth` (never put in a message). */
  secret: string;
  /** Device type, sent as `X-SciTran-Method` (e.g. `reaper`). */
  method: string;
  /** Device name, sent as `X-SciTran-Name`; the site finds or registers the device by it. */
  name: string;
  /** Port; default 443. */
  port?: number;
  /** Plain http (a `__force_insecure` key), for local servers. Default false. */
  insecure?: boolean;
  /** fetch used for the two login requests; default `globalThis.fetch`. */
  fetch?: FetchLike;
}

/**
 * Log in as a device with the site's drone secret and answer the device's own API key, in the
 * SDK's key format (`host:port:[__force_insecure:]key`): `GET /auth/status` with the
 * `X-SciTran-*` headers must report a device, then `GET /devices/{id}` hands out its key.
 * Non-2xx answers throw the `ApiError` of their status; a login that is not a device's throws a
 * `ConfigurationError`.
 */
export async function droneApiKey(login: DroneLogin): Promise<string> {
  for (const field of ['host', 'secret', 'method', 'name'] as const)
    if (typeof login[field] !== 'string' || login[field].trim() === '')
      throw new ConfigurationError(
        `createDroneClient: ${field} must be a non-empty string (the drone login's ${field})`,
      );
  const port = login.port ?? 443;
  const base = `${login.insecure ? 'http' : 'https'}://${login.host}:${port}/api`;
  // The SDK's transport: typed errors for non-2xx answers, the secret scrubbed from any
  // message. No retries, as Python's drone login has none.
  const transport = createFlywheelFetch({
    fetch: login.fetch,
    maxRetries: 0,
    secrets: [login.secret],
  });
  const headers = {
    'X-SciTran-Auth': login.secret,
    'X-SciTran-Method': login.method,
    'X-SciTran-Name': login.name,
    Accept: 'application/json',
  };
  const getJson = async (path: string): Promise<Record<string, unknown>> => {
    const res = await transport(new Request(`${base}${path}`, { headers }));
    // a 2xx answer that is not JSON is not a device login: the checks below say so
    return ((await res.json().catch(() => undefined)) ?? {}) as Record<string, unknown>;
  };
  const status = await getJson('/auth/status');
  const origin = status.origin as { id?: unknown } | undefined;
  if (!status.is_device || typeof origin?.id !== 'string')
    throw new ConfigurationError(
      'createDroneClient: the site did not log this in as a device (is_device is false); check the method and name',
    );
  const device = await getJson(`/devices/${encodeURIComponent(origin.id)}`);
  if (typeof device.key !== 'string' || device.key === '')
    throw new ConfigurationError(
      `createDroneClient: the site answered no key for device ${origin.id}`,
    );
  return `${login.host}:${port}:${login.insecure ? '__force_insecure:' : ''}${device.key}`;
}
