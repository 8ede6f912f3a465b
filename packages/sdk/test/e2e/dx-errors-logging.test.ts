/** Issue 10 §5.4–5.6: one error hierarchy with codes, raw response access, request logging. */
import { FlywheelError, NotFoundError } from '@fw/api';
import { describe, expect, it } from 'vitest';
import {
  Client,
  CredentialsError,
  DownloadError,
  FileSpec,
  FileSpecError,
  FindOneError,
  InvalidFilterError,
} from '../../src/node.js';
import { useServer } from '../helpers/server.js';

const ctx = useServer();

describe('one error hierarchy', () => {
  it('SDK errors extend FlywheelError and carry a code', async () => {
    const cases: [unknown, string][] = [
      [
        await ctx.fw.projects.findOne('label=none-such-xyz').catch((e: unknown) => e),
        'FW_FIND_ONE',
      ],
      [await ctx.fw.projects.find('label').catch((e: unknown) => e), 'FW_INVALID_FILTER'],
      [
        (() => {
          try {
            new FileSpec('', 'x');
          } catch (e) {
            return e;
          }
        })(),
        'FW_FILE_SPEC',
      ],
      [
        await ctx.fw.downloadFileFromProject('p', 'f', '/no/such/dir/f').catch((e: unknown) => e),
        'FW_DOWNLOAD',
      ],
      [new CredentialsError('x', '/tmp/x'), 'FW_CREDENTIALS'],
      [
        await ctx.fw.getProject('000000000000000000000000').catch((e: unknown) => e),
        'FW_NOT_FOUND',
      ],
    ];
    for (const [err, code] of cases) {
      expect(err).toBeInstanceOf(FlywheelError);
      expect((err as FlywheelError).code).toBe(code);
    }
    expect(cases[0]![0]).toBeInstanceOf(FindOneError);
    expect(cases[1]![0]).toBeInstanceOf(InvalidFilterError);
    expect(cases[2]![0]).toBeInstanceOf(FileSpecError);
    expect(cases[3]![0]).toBeInstanceOf(DownloadError);
  });

  it('String(apiError) names the method and the URL, with no key', async () => {
    const err = (await ctx.fw
      .getProject('000000000000000000000000')
      .catch((e: unknown) => e)) as NotFoundError;
    const text = String(err);
    expect(text).toMatch(/^\(404\) Reason: /);
    expect(text).toContain(`Request: GET ${ctx.server.url}/projects/000000000000000000000000`);
    expect(text).not.toContain(ctx.server.apiKey.split(':').at(-1)!);
  });
});

describe('raw response access', () => {
  it('withResponse gives the data, the response and the request id', async () => {
    const { data, response, requestId } = await ctx.fw.withResponse((o) =>
      ctx.fw.getCurrentUser(o),
    );
    expect(data.id).toBeTruthy();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(requestId).toBe(response.headers.get('x-request-id') ?? undefined);
  });

  it('onResponse is a call option of every method', async () => {
    const seen: number[] = [];
    await ctx.fw.getCurrentUser({ onResponse: ({ response }) => seen.push(response.status) });
    expect(seen).toEqual([200]);
  });

  it('onResponse and the call options go with query parameters; a wrong one is named', async () => {
    const seen: number[] = [];
    const projects = await ctx.fw.getAllProjects({
      limit: 1,
      timeoutMs: 10_000,
      onResponse: ({ response }) => seen.push(response.status),
    });
    expect(seen).toEqual([200]);
    expect(projects.length).toBeLessThanOrEqual(1);
    await expect(
      ctx.fw.getCurrentUser({ onResponse: 'yes' } as unknown as Parameters<
        typeof ctx.fw.getCurrentUser
      >[0]),
    ).rejects.toThrow(/getCurrentUser: onResponse must be a function/);
    await expect(
      ctx.fw.getAllProjects({ limt: 1 } as unknown as Parameters<typeof ctx.fw.getAllProjects>[0]),
    ).rejects.toThrow(/getAllProjects: unknown option "limt"/);
  });
});

describe('logging', () => {
  it('the logger option logs method, URL, status and time, never the key', async () => {
    const lines: string[] = [];
    const fw = new Client(ctx.server.apiKey, { logger: { debug: (m) => lines.push(m) } });
    await fw.getCurrentUser();
    await fw.getProject('000000000000000000000000').catch(() => undefined);
    expect(
      lines.some((l) => /^fw: GET http:\/\/127\.0\.0\.1:\d+\/api\/users\/self 200 \d+ms$/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => / 404 \d+ms$/.test(l))).toBe(true);
    const secret = ctx.server.apiKey.split(':').at(-1)!;
    for (const l of lines) expect(l).not.toContain(secret);
  });

  it('FW_LOG=debug logs to console.debug', async () => {
    const lines: string[] = [];
    const original = console.debug;
    process.env.FW_LOG = 'debug';
    console.debug = (m: string) => void lines.push(m);
    try {
      await new Client(ctx.server.apiKey).getCurrentUser();
    } finally {
      console.debug = original;
      delete process.env.FW_LOG;
    }
    expect(lines.some((l) => l.startsWith('fw: GET ') && / 200 \d+ms/.test(l))).toBe(true);
  });
});
