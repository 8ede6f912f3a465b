/**
 * SDK transfer benchmark (not a test): the server runs in a child process; this process is the
 * client. Uploads a large file from disk with `acquisition.uploadFile(path)`, downloads it with
 * `acquisition.downloadFile(name, dest)`, reads a small file with `readFile`, and reports
 * throughput plus this (client) process's peak RSS growth during each. Every transfer is checked:
 * sizes, sha256 of the downloaded file, the server's stored hash, the bytes read.
 *
 *   npx tsx bench/sdk-transfer.ts [--mb 256] [--reads 50]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@fw/sdk/node';
import { hashFile, writeRandomFile } from './lib/files.ts';
import { measureMemory, type MemoryReport } from './lib/memory.ts';
import { fmt, machine, numberArg, table } from './lib/report.ts';
import { startServerProcess, type ServerProcess } from './lib/server.ts';

const MiB = 1024 * 1024;
const BIG_MIB = numberArg('mb', 256);
const SMALL_BYTES = 64 * 1024;
const READS = numberArg('reads', 50);

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

interface Row {
  op: string;
  bytes: number;
  ms: number;
  memory: MemoryReport;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'fw-sdk-bench-'));
  let server: ServerProcess | undefined;
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    process.stdout.write(`writing a ${BIG_MIB} MiB test file…\n`);
    const bigPath = join(work, 'big.bin');
    const source = await writeRandomFile(bigPath, BIG_MIB);
    const smallPath = join(work, 'small.bin');
    const small = randomBytes(SMALL_BYTES);
    writeFileSync(smallPath, small);

    server = await startServerProcess();
    const fw = new Client(server.apiKey);
    await fw.addGroup({ _id: 'bench', label: 'Bench' });
    const group = await fw.getGroup('bench');
    const project = await group.addProject({ label: 'Transfer' });
    const session = await project.addSession({ label: 'ses-1', subject: { code: 'sub-1' } });
    const acquisition = await session.addAcquisition({ label: 'acq-1' });

    // warm-up: connection, code paths; also the file readFile reads below
    const [smallEntry] = await acquisition.uploadFile(smallPath);
    check(smallEntry?.size === SMALL_BYTES, 'small upload size');

    const rows: Row[] = [];

    process.stdout.write('uploading…\n');
    let t = performance.now();
    const up = await measureMemory(async () => (await acquisition.uploadFile(bigPath))[0]!);
    rows.push({ op: 'uploadFile(path)', bytes: source.size, ms: performance.now() - t, ...up });
    check(up.result.name === 'big.bin', `uploaded entry name ${up.result.name}`);
    check(up.result.size === source.size, `server size ${up.result.size} ≠ ${source.size}`);
    check(up.result.hash === source.flywheelHash, 'server hash ≠ source hash');

    process.stdout.write('downloading…\n');
    const dest = join(work, 'downloaded.bin');
    t = performance.now();
    const down = await measureMemory(() => acquisition.downloadFile('big.bin', dest));
    rows.push({
      op: 'downloadFile(name, path)',
      bytes: source.size,
      ms: performance.now() - t,
      ...down,
    });
    const got = await hashFile(dest);
    check(got.size === source.size, `downloaded size ${got.size} ≠ ${source.size}`);
    check(got.sha256 === source.sha256, 'downloaded sha256 ≠ source sha256');

    process.stdout.write(`reading the ${SMALL_BYTES / 1024} KiB file ${READS} times…\n`);
    t = performance.now();
    const reads = await measureMemory(async () => {
      for (let i = 0; i < READS; i++) {
        const bytes = await acquisition.readFile('small.bin');
        check(Buffer.from(bytes).equals(small), `readFile bytes (read ${i + 1})`);
      }
    });
    rows.push({
      op: `readFile(name) ×${READS}`,
      bytes: SMALL_BYTES * READS,
      ms: performance.now() - t,
      ...reads,
    });

    process.stdout.write(
      `\nverified: server size and hash, downloaded size and sha256 ${source.sha256.slice(0, 16)}…, ${READS} reads byte-equal\n\n`,
    );
    process.stdout.write(
      table(
        ['operation', 'MiB', 'seconds', 'MiB/s', 'RSS before', 'peak RSS +', 'peak heap +'],
        rows.map((r) => [
          r.op,
          fmt(r.bytes / MiB, r.bytes < MiB * 10 ? 2 : 0),
          fmt(r.ms / 1000, 2),
          fmt(r.bytes / MiB / (r.ms / 1000)),
          `${fmt(r.memory.rssBefore / MiB)} MiB`,
          `${fmt(r.memory.rssGrowthMiB)} MiB`,
          `${fmt(r.memory.heapGrowthMiB)} MiB`,
        ]),
      ),
    );
    const readRow = rows[2]!;
    process.stdout.write(
      `readFile: ${fmt(readRow.ms / READS, 2)} ms per ${SMALL_BYTES / 1024} KiB read\n` +
        `client process only (server in child pid ${server.pid}); peak RSS = ${
          rows.every((r) => r.memory.exactPeak)
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
