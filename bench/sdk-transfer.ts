/**
 * Transfer benchmark (not a test): the server runs in a child process; this process is the
 * client. In each run, the same file goes up and comes down three ways against the same server,
 * side by side: `curl` (`-F` multipart upload, `-o` download), `@fw/api` (the README's
 * `multipartBody({ ...(await fileStreamFromPath(path)) })`, also with `fileFromPath(path)`, and
 * `downloadToFile`), and `@fw/sdk`
 * (`acquisition.uploadFile(path)`, `downloadFile(name, dest)`); downloads also as a raw `fetch`
 * written to a file chunk by chunk with `writeSync`, the floor of any fetch-based Node client.
 * The order of the three rotates from run to run so none always goes first. Reports MiB/s, the ratio to curl in the same run,
 * and this (client) process's peak RSS growth; then the fsync cost of a file of the same size
 * and `--reads` small `readFile` calls. Every transfer is checked: server size and hash, download
 * size and sha256.
 *
 *   npx tsx bench/sdk-transfer.ts [--mb 256] [--runs 3] [--reads 50]    # --mb 1024 for 1 GiB
 *   AGENT=<undici 7>/lib/dispatcher/agent.js npx tsx bench/sdk-transfer.ts   # + undici's request
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient, multipartBody } from '@fw/api';
import { downloadToFile, fileFromPath, fileStreamFromPath } from '@fw/api/node';
import { Client } from '@fw/sdk/node';
import { hashFile, writeRandomFile, type Digests } from './lib/files.ts';
import { measureMemory, type MemoryReport } from './lib/memory.ts';
import { fmt, machine, numberArg, table } from './lib/report.ts';
import { startServerProcess, type ServerProcess } from './lib/server.ts';

const MiB = 1024 * 1024;
const BIG_MIB = numberArg('mb', 256);
const RUNS = numberArg('runs', 3);
const SMALL_BYTES = 64 * 1024;
const READS = numberArg('reads', 50);

/**
 * Flush the dirty pages earlier transfers left (untimed), so that no tool starts its transfer
 * behind gigabytes of another one's writeback (with 1 GiB files, curl ran at 263–769 MiB/s
 * within one run set without this).
 */
function settle(): void {
  execFileSync('sync');
}

/** A body's chunks, each written to `dest` with `writeSync` as it arrives (no temp file, no fsync). */
async function writeEachChunk(body: AsyncIterable<Uint8Array>, dest: string): Promise<void> {
  const fd = openSync(dest, 'w');
  try {
    for await (const chunk of body) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/**
 * The wall time of `fn` alone: inside `measureMemory`, so its full GC before the transfer is
 * not counted (it was, before 2026-12-06: the same few ms added to every tool, curl included).
 */
async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

type Tool =
  'curl' | '@fw/api' | '@fw/sdk' | 'raw fetch' | '@fw/api fileFromPath' | 'undici 7 Agent.request';
/**
 * `AGENT=<undici>/lib/dispatcher/agent.js` adds a download row: undici 7's own `request` with a
 * Node stream body (not a dependency; its Agent, so Node's global fetch is left as it is).
 */
type NodeBodyRequest = (o: {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
}) => Promise<{ statusCode: number; body: AsyncIterable<Uint8Array> }>;
const agent = process.env.AGENT
  ? new ((await import(process.env.AGENT)) as { default: new () => object }).default()
  : undefined;
// `request` is put on Dispatcher.prototype by undici's index.js, which would also take over
// Node's global fetch; called on the Agent directly instead
const undiciRequest = process.env.AGENT
  ? (
      (await import(process.env.AGENT.replace(/dispatcher\/agent\.js$/, 'api/api-request.js'))) as {
        default: NodeBodyRequest;
      }
    ).default
  : undefined;
/** Uploads: `@fw/api` as the README shows it (`fileStreamFromPath`), and with `fileFromPath`. */
const TOOLS: Tool[] = ['curl', '@fw/api', '@fw/sdk', '@fw/api fileFromPath'];
/** Downloads also run as raw `fetch` piped to a file (no temp file, no fsync): Node's own floor. */
const DOWNLOAD_TOOLS: Tool[] = [
  'curl',
  '@fw/api',
  '@fw/sdk',
  'raw fetch',
  ...(agent ? (['undici 7 Agent.request'] as const) : []),
];

interface Sample {
  tool: Tool;
  dir: 'upload' | 'download';
  run: number;
  ms: number;
  /** Client RSS growth; undefined for curl (its own process). */
  memory?: MemoryReport;
}

/** Run curl, resolving when it exits 0 (its stderr is kept for the error). */
function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '--fail', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}: ${err.trim()}`)),
    );
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median =
    s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'fw-sdk-bench-'));
  let server: ServerProcess | undefined;
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    process.stdout.write(`writing a ${BIG_MIB} MiB test file…\n`);
    const bigPath = join(work, 'big.bin');
    const source: Digests = await writeRandomFile(bigPath, BIG_MIB);
    const smallPath = join(work, 'small.bin');
    const small = randomBytes(SMALL_BYTES);
    writeFileSync(smallPath, small);

    server = await startServerProcess();
    const fw = new Client(server.apiKey);
    const api = createApiClient({ apiKey: server.apiKey });
    const auth = `scitran-user ${server.apiKey.slice(server.apiKey.lastIndexOf(':') + 1)}`;
    await fw.addGroup({ _id: 'bench', label: 'Bench' });
    const group = await fw.getGroup('bench');
    const project = await group.addProject({ label: 'Transfer' });
    const session = await project.addSession({ label: 'ses-1', subject: { code: 'sub-1' } });
    const acquisition = await session.addAcquisition({ label: 'acq-1' });
    const filesUrl = `${server.url}/acquisitions/${acquisition.id}/files`;

    // warm-up: connections and code paths; also the file every download reads and readFile's file
    await curl([
      '-H',
      `Authorization: ${auth}`,
      '-F',
      `file=@${smallPath}`,
      '-o',
      '/dev/null',
      filesUrl,
    ]);
    const [bigEntry] = await acquisition.uploadFile(bigPath);
    check(bigEntry?.hash === source.flywheelHash, 'warm-up upload hash');
    await acquisition.uploadFile(smallPath);

    const uploadAs = async (tool: Tool, path: string): Promise<void> => {
      if (tool === 'curl') {
        await curl([
          '-H',
          `Authorization: ${auth}`,
          '-F',
          `file=@${path}`,
          '-o',
          '/dev/null',
          filesUrl,
        ]);
      } else if (tool === '@fw/api' || tool === '@fw/api fileFromPath') {
        const part =
          tool === '@fw/api' ? await fileStreamFromPath(path) : { file: await fileFromPath(path) };
        await api.POST('/acquisitions/{acquisition_id}/files', {
          params: { path: { acquisition_id: acquisition.id } },
          body: multipartBody(part) as never,
        });
      } else {
        await acquisition.uploadFile(path);
      }
    };
    const downloadAs = async (tool: Tool, dest: string): Promise<void> => {
      if (tool === 'curl') {
        await curl(['-H', `Authorization: ${auth}`, '-o', dest, `${filesUrl}/big.bin`]);
      } else if (tool === 'undici 7 Agent.request') {
        const url = new URL(`${filesUrl}/big.bin`);
        const r = await undiciRequest!.call(agent, {
          origin: url.origin,
          path: url.pathname,
          method: 'GET',
          headers: { Authorization: auth },
        });
        check(r.statusCode === 200, `undici status ${r.statusCode}`);
        await writeEachChunk(r.body, dest);
      } else if (tool === 'raw fetch') {
        const r = await fetch(`${filesUrl}/big.bin`, { headers: { Authorization: auth } });
        check(r.ok, `raw fetch status ${r.status}`);
        // the floor of a fetch-based client: each chunk written synchronously as it arrives
        await writeEachChunk(r.body as unknown as AsyncIterable<Uint8Array>, dest);
      } else if (tool === '@fw/api') {
        const result = await api.GET('/acquisitions/{acquisition_id}/files/{file_name}', {
          params: { path: { acquisition_id: acquisition.id, file_name: 'big.bin' } },
          parseAs: 'stream',
        });
        await downloadToFile(result, dest);
      } else {
        await acquisition.downloadFile('big.bin', dest);
      }
    };

    const samples: Sample[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const order = TOOLS.map((_, i) => TOOLS[(i + run - 1) % TOOLS.length]!);
      process.stdout.write(`run ${run}/${RUNS}: ${order.join(', ')}\n`);
      for (const tool of order) {
        // a hard link under a fresh name: same bytes, a new file on the server each time
        const name = `up-${tool.replace(/\W/g, '')}-${run}.bin`;
        const path = join(work, name);
        linkSync(bigPath, path);
        settle();
        const up = await measureMemory(() => timed(() => uploadAs(tool, path)));
        const ms = up.result;
        samples.push({
          tool,
          dir: 'upload',
          run,
          ms,
          ...(tool === 'curl' ? {} : { memory: up.memory }),
        });
        const stored = await (await fw.getAcquisition(acquisition.id)).getFile(name);
        check(stored?.size === source.size, `${tool} upload: server size ${stored?.size}`);
        check(stored?.hash === source.flywheelHash, `${tool} upload: server hash`);
        rmSync(path);
      }
      const downOrder = DOWNLOAD_TOOLS.map(
        (_, i) => DOWNLOAD_TOOLS[(i + run - 1) % DOWNLOAD_TOOLS.length]!,
      );
      for (const tool of downOrder) {
        const dest = join(work, `down-${tool.replace(/\W/g, '')}.bin`);
        settle();
        const down = await measureMemory(() => timed(() => downloadAs(tool, dest)));
        const ms = down.result;
        samples.push({
          tool,
          dir: 'download',
          run,
          ms,
          ...(tool === 'curl' ? {} : { memory: down.memory }),
        });
        const got = await hashFile(dest);
        check(got.size === source.size, `${tool} download: size ${got.size}`);
        check(got.sha256 === source.sha256, `${tool} download: sha256`);
        rmSync(dest);
      }
    }

    // What an fsync of a freshly written file of this size costs here (the SDK's download does
    // one per file, @fw/api's downloadToFile too): write through the page cache, then time sync().
    const fsyncMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = join(work, `fsync-${i}.bin`);
      await writeRandomFile(p, BIG_MIB);
      const h = await open(p, 'r+');
      const t = performance.now();
      await h.sync();
      fsyncMs.push(performance.now() - t);
      await h.close();
      await unlink(p);
    }

    const readMem = await measureMemory(async () => {
      const t = performance.now();
      for (let i = 0; i < READS; i++) {
        const bytes = await acquisition.readFile('small.bin');
        check(Buffer.from(bytes).equals(small), `readFile bytes (read ${i + 1})`);
      }
      return performance.now() - t;
    });

    process.stdout.write(
      `\nverified: every upload's server size and hash, every download's size and sha256 ${source.sha256.slice(0, 16)}…, ${READS} reads byte-equal\n\n`,
    );
    const rows: string[][] = [];
    for (const dir of ['upload', 'download'] as const) {
      const curlMs = new Map(
        samples.filter((s) => s.dir === dir && s.tool === 'curl').map((s) => [s.run, s.ms]),
      );
      for (const tool of dir === 'upload' ? TOOLS : DOWNLOAD_TOOLS) {
        const mine = samples.filter((s) => s.dir === dir && s.tool === tool);
        const mibs = stats(mine.map((s) => BIG_MIB / (s.ms / 1000)));
        const ratio = stats(mine.map((s) => curlMs.get(s.run)! / s.ms)); // throughput ratio
        const rss = mine.every((s) => s.memory)
          ? `${fmt(stats(mine.map((s) => s.memory!.rssGrowthMiB)).max)} MiB`
          : '(own process)';
        rows.push([
          dir,
          tool,
          String(mine.length),
          fmt(mibs.median),
          `${fmt(mibs.min)}–${fmt(mibs.max)}`,
          tool === 'curl' ? '1.00' : fmt(ratio.median, 2),
          tool === 'curl' ? '' : `${fmt(ratio.min, 2)}–${fmt(ratio.max, 2)}`,
          rss,
        ]);
      }
    }
    process.stdout.write(
      `${BIG_MIB} MiB, ${RUNS} runs; ratio = curl's time / this tool's time in the same run (throughput ratio)\n\n`,
    );
    process.stdout.write(
      table(
        [
          'direction',
          'tool',
          'runs',
          'MiB/s median',
          'MiB/s range',
          '× curl',
          '× curl range',
          'peak RSS + (max)',
        ],
        rows,
      ),
    );
    const f = stats(fsyncMs);
    process.stdout.write(
      `\nfsync of a just-written ${BIG_MIB} MiB file: median ${fmt(f.median)} ms (${fmt(f.min)}–${fmt(f.max)}, ${RUNS} runs)\n` +
        `readFile: ${fmt(readMem.result / READS, 2)} ms per ${SMALL_BYTES / 1024} KiB read, peak RSS + ${fmt(readMem.memory.rssGrowthMiB)} MiB\n` +
        `client process only (server in child pid ${server.pid}); peak RSS = ${
          samples.every((s) => !s.memory || s.memory.exactPeak)
            ? 'kernel VmHWM, reset before each operation'
            : 'sampled every 10 ms'
        }\n`,
    );
  } finally {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
