import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinAgentClass, caBundleFromEnv, caBundleFromFile } from '../../src/node/ca.js';
import { certPath, startSelfSignedServer, type SelfSignedServer } from '../helpers/https.js';

let server: SelfSignedServer;
let url: string;
let dir: string;

beforeAll(async () => {
  server = await startSelfSignedServer('{"ok":true}');
  url = `${server.origin}/api/version`;
  dir = await mkdtemp(join(tmpdir(), 'fw-ca-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('caBundleFromEnv', () => {
  it('returns undefined when FW_SSL_CERT_FILE is not set', () => {
    expect(caBundleFromEnv({})).toBeUndefined();
    expect(caBundleFromEnv({ FW_SSL_CERT_FILE: '' })).toBeUndefined();
  });

  it('the self-signed server is rejected by the default trust store', async () => {
    await expect(fetch(url)).rejects.toThrow();
  });

  it('the returned fetch trusts the PEM bundle', async () => {
    const bundle = caBundleFromEnv({ FW_SSL_CERT_FILE: certPath });
    expect(bundle).toBeDefined();
    expect(bundle!.path).toBe(certPath);
    expect(bundle!.ca).toContain('-----BEGIN CERTIFICATE-----');
    const res = await bundle!.fetch(url, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('the dispatcher works when passed to global fetch directly', async () => {
    const { dispatcher } = caBundleFromFile(certPath);
    const res = await fetch(url, { dispatcher } as RequestInit);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('uses a caller-supplied Agent class and wraps a caller-supplied fetch', async () => {
    let constructedWith: unknown;
    class RecordingAgent {
      constructor(options: unknown) {
        constructedWith = options;
      }
    }
    const calls: unknown[] = [];
    const bundle = caBundleFromFile(certPath, {
      Agent: RecordingAgent as never,
      fetch: async (input, init) => {
        calls.push([input, init]);
        return new Response('x');
      },
    });
    expect(constructedWith).toEqual({ connect: { ca: bundle.ca } });
    await bundle.fetch('https://example.invalid/', { method: 'POST' });
    expect(calls).toEqual([
      ['https://example.invalid/', { method: 'POST', dispatcher: bundle.dispatcher }],
    ]);
  });

  it('finds Node’s built-in undici Agent', () => {
    const Agent = builtinAgentClass();
    expect(typeof Agent).toBe('function');
    expect(Agent!.name).toBe('Agent');
  });

  it('missing file → error naming the path', () => {
    const p = join(dir, 'nope.pem');
    expect(() => caBundleFromEnv({ FW_SSL_CERT_FILE: p })).toThrow(p);
  });

  it('a file without a PEM certificate → clear error', async () => {
    const p = join(dir, 'junk.pem');
    await writeFile(p, 'not a certificate');
    expect(() => caBundleFromEnv({ FW_SSL_CERT_FILE: p })).toThrow(/no PEM certificate/);
  });
});
