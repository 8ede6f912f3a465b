/**
 * Probe for issue 11 (not a test): is a lighter receive path than `fetch` enough for downloads at
 * 0.9x curl? The same file comes down from `@fw/server` (child process) to a file several ways,
 * order rotating per run; prints MiB/s, x curl in the same run and this process's CPU time.
 * `undici` is not a dependency: its rows run only where `UNDICI` names an installed copy (which
 * also makes an undici 7 Agent the global dispatcher of `fetch`), and the `@fw/api` row over an
 * undici 7 Agent (Node's fetch with `dispatcher`) only where `AGENT` names its `agent.js`.
 *
 *   UNDICI=/path/to/node_modules/undici/index.js npx tsx bench/dl-probe.ts [--mb 256] [--runs 3]
 *   AGENT=/path/to/node_modules/undici/lib/dispatcher/agent.js npx tsx bench/dl-probe.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createApiClient } from '@fw/api';
import { downloadToFile } from '@fw/api/node';
import { Client } from '@fw/sdk/node';
import { writeRandomFile } from './lib/files.ts';
import { numberArg } from './lib/report.ts';
import { startServerProcess } from './lib/server.ts';

const MB = numberArg('mb', 256);
const RUNS = numberArg('runs', 3);
type Get = (
  u: string,
  o: object,
) => Promise<{ body: AsyncIterable<Buffer> & NodeJS.ReadableStream }>;
const request = process.env.UNDICI
  ? ((await import(process.env.UNDICI)) as { request: Get }).request
  : undefined;
const work = mkdtempSync(join(tmpdir(), 'fw-dlprobe-'));
await writeRandomFile(join(work, 'big.bin'), MB);
const server = await startServerProcess();
const H = {
  Authorization: `scitran-user ${server.apiKey.slice(server.apiKey.lastIndexOf(':') + 1)}`,
};
const curl = (...a: string[]) =>
  execFileSync('curl', ['-sS', '--fail', '-H', `Authorization: ${H.Authorization}`, ...a]);
const fw = new Client(server.apiKey);
await fw.addGroup({ _id: 'probe', label: 'Probe' });
const project = await (await fw.getGroup('probe')).addProject({ label: 'P' });
const api = createApiClient({ apiKey: server.apiKey });
// AGENT=<undici>/lib/dispatcher/agent.js: Node's own fetch, over an undici 7 connection pool
const AgentClass = process.env.AGENT
  ? ((await import(process.env.AGENT)) as { default: new () => object }).default
  : undefined;
const agent = AgentClass && new AgentClass();
const agentApi =
  agent &&
  createApiClient({
    apiKey: server.apiKey,
    fetch: (req) => fetch(req, { dispatcher: agent } as RequestInit),
  });
curl(
  '-F',
  `file=@${join(work, 'big.bin')}`,
  '-o',
  '/dev/null',
  `${server.url}/projects/${project.id}/files`,
);
const url = `${server.url}/projects/${project.id}/files/big.bin`;
/** 1 MiB synchronous writes on the main thread: no thread-pool hop per 64 KiB chunk. */
async function batched(body: AsyncIterable<Buffer>, dest: string): Promise<void> {
  const fd = openSync(dest, 'w');
  let parts: Buffer[] = [],
    n = 0;
  for await (const c of body) {
    (parts.push(c), (n += c.length));
    if (n >= 1 << 20) (writeSync(fd, Buffer.concat(parts, n)), (parts = []), (n = 0));
  }
  if (n) writeSync(fd, Buffer.concat(parts, n));
  closeSync(fd);
}
/** A web stream's chunks, each written with `writeSync` as it is read (what downloadToFile does). */
async function writeEachChunk(body: ReadableStream<Uint8Array>, dest: string): Promise<void> {
  const fd = openSync(dest, 'w');
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      writeSync(fd, value);
    }
  } finally {
    closeSync(fd);
  }
}
/** `@fw/api`'s README download: a streamed GET into `downloadToFile`. */
const apiDownload = async (client: typeof api, dest: string) =>
  downloadToFile(
    await client.GET('/projects/{project_id}/files/{file_name}', {
      params: { path: { project_id: project.id, file_name: 'big.bin' } },
      parseAs: 'stream',
    }),
    dest,
  );
const httpBody = () =>
  new Promise<Readable>((ok, no) => get(url, { headers: H }, ok).on('error', no));
const ways: Record<string, (dest: string) => Promise<unknown>> = {
  curl: async (d) => curl('-o', d, url),
  'fetch, pipeline': async (d) =>
    pipeline(
      Readable.fromWeb((await fetch(url, { headers: H })).body as never),
      createWriteStream(d),
    ),
  'node:http, pipeline': async (d) => pipeline(await httpBody(), createWriteStream(d)),
  'fetch, reader, writeSync per chunk': async (d) =>
    writeEachChunk((await fetch(url, { headers: H })).body!, d),
  '@fw/api downloadToFile': async (d) => apiDownload(api, d),
  '@fw/sdk downloadFile': async (d) => project.downloadFile('big.bin', d),
  ...(agentApi && {
    '@fw/api downloadToFile, undici 7 Agent': async (d: string) => apiDownload(agentApi, d),
  }),
  'node:http, 1 MiB writeSync': async (d) => batched(await httpBody(), d),
  ...(request && {
    'undici.request, pipeline': async (d: string) =>
      pipeline((await request(url, { headers: H })).body, createWriteStream(d)),
    'undici.request, 1 MiB writeSync': async (d: string) =>
      batched((await request(url, { headers: H })).body, d),
    'undici.request, writeSync per chunk': async (d: string) => {
      const fd = openSync(d, 'w');
      for await (const c of (await request(url, { headers: H })).body) writeSync(fd, c);
      closeSync(fd);
    },
    // what the SDK adds per byte: the sha256 it verifies the download against
    'undici.request, writeSync per chunk + sha256': async (d: string) => {
      const fd = openSync(d, 'w'),
        hash = createHash('sha256');
      for await (const c of (await request(url, { headers: H })).body)
        (hash.update(c), writeSync(fd, c));
      (closeSync(fd), hash.digest());
    },
    'undici.request, toWeb reader, writeSync per chunk': async (d: string) =>
      writeEachChunk(
        Readable.toWeb((await request(url, { headers: H })).body as never) as ReadableStream,
        d,
      ),
    'undici.request, dropped': async () => {
      for await (const _ of (await request(url, { headers: H })).body) void _;
    },
  }),
};
const rows: Record<string, { x: number[]; mibs: number[]; cpu: number[] }> = {};
for (let run = 0; run < RUNS; run++) {
  const names = Object.keys(ways),
    order = [...names.slice(run % names.length), ...names.slice(0, run % names.length)];
  const ms: Record<string, number> = {};
  for (const name of order) {
    const dest = join(work, 'out.bin');
    rmSync(dest, { force: true }); // no truncation of the last run's pages in the timing
    let t0 = performance.now(),
      c0 = process.cpuUsage();
    // A pooled socket the server closed while curl ran fails at once: time the retry alone.
    await ways[name]!(dest).catch(() => {
      ((t0 = performance.now()), (c0 = process.cpuUsage()));
      return ways[name]!(dest);
    });
    ms[name] = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    if (!name.includes('dropped') && statSync(dest).size !== MB * 2 ** 20)
      throw new Error(`${name}: wrong size`);
    const r = (rows[name] ??= { x: [], mibs: [], cpu: [] });
    (r.mibs.push((MB * 1000) / ms[name]), r.cpu.push((cpu.user + cpu.system) / 1000));
  }
  for (const name of names) rows[name]!.x.push(ms.curl! / ms[name]!);
}
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const f = (xs: number[], d = 0) =>
  `${med(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
console.log(
  `${MB} MiB, ${RUNS} runs; median (range)\n| way | MiB/s | x curl | client CPU ms |\n|---|---|---|---|`,
);
for (const [n, r] of Object.entries(rows))
  console.log(`| ${n} | ${f(r.mibs)} | ${f(r.x, 2)} | ${f(r.cpu)} |`);
await server.stop();
rmSync(work, { recursive: true, force: true });
