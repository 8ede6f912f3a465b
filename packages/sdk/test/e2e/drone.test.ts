import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@fw/server';
import { AuthenticationError, ConfigurationError, createDroneClient } from '../../src/node.js';
import {
  Client as NeutralClient,
  createDroneClient as createNeutralDroneClient,
} from '../../src/index.js';

// python-sdk-21 §2.8: a drone logs in with the site's secret, then acts with its device key.
const SECRET = 'drone-secret-given-as-a-start-option';
let server: RunningServer;
let login: { host: string; port: number; insecure: true; method: string };

beforeAll(async () => {
  delete process.env.FW_DRONE_SECRET; // the option alone enables drone logins
  server = await startServer({ port: 0, droneSecret: SECRET });
  login = { host: '127.0.0.1', port: server.port, insecure: true, method: 'reaper' };
});
afterAll(() => server?.close());

describe('createDroneClient against a server started with droneSecret', () => {
  it('answers a client that acts as the device, with its own key', async () => {
    const fw = await createDroneClient({ ...login, secret: SECRET, name: 'scanner-1' });
    const status = await fw.api.GET('/auth/status');
    expect(status.data).toMatchObject({ is_device: true, origin: { type: 'device' } });
    // the device places data anywhere, as a site trusts its drones
    const groups = await fw.groups.find();
    expect(Array.isArray(groups)).toBe(true);
    // the same name logs in as the same device
    const again = await createDroneClient({ ...login, secret: SECRET, name: 'scanner-1' });
    const second = await again.api.GET('/auth/status');
    expect((second.data as any).origin.id).toBe((status.data as any).origin.id);
  });

  it('the neutral entry answers a neutral Client', async () => {
    const fw = await createNeutralDroneClient({ ...login, secret: SECRET, name: 'scanner-2' });
    expect(fw).toBeInstanceOf(NeutralClient);
    expect(((await fw.api.GET('/auth/status')).data as any).is_device).toBe(true);
  });

  it('a wrong secret is an AuthenticationError that does not show the secret', async () => {
    const wrong = 'not-the-secret-at-all';
    const err = await createDroneClient({ ...login, secret: wrong, name: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.status).toBe(401);
    expect(String(err)).not.toContain(wrong);
  });

  it('an empty field is refused before any request, naming it', async () => {
    const err = await createDroneClient({ ...login, secret: SECRET, name: ' ' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain('name');
  });

  it('startServer refuses an unusable secret', async () => {
    await expect(startServer({ port: 0, droneSecret: ' padded ' })).rejects.toThrow(/droneSecret/);
  });
});

describe('a server without a drone secret', () => {
  it('answers drone logins with 401 saying how to enable them', async () => {
    const plain = await startServer({ port: 0 });
    try {
      const err = await createDroneClient({
        ...login,
        port: plain.port,
        secret: SECRET,
        name: 'x',
      }).catch((e) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(String(err)).toMatch(/droneSecret/);
    } finally {
      await plain.close();
    }
  });
});
