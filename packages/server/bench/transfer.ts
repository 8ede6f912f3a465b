/**
 * Transfer benchmark (not a test): starts the server in a child process, uploads a file of
 * BENCH_MB megabytes (default 256) through a streamed multipart request, downloads it again,
 * and reports throughput plus the server's resident memory before and at peak (Linux
 * /proc/<pid>/status VmRSS and VmHWM).
 *
 *   pnpm --filter @fw/server bench          # or: BENCH_MB=512 npx tsx bench/transfer.ts
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const MB = Number(process.env.BENCH_MB ?? 256);
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'fw-bench-'));

function memKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function makeFile(path: string, mb: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash('sha384');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < mb; i++) {
    block[0] = i & 0xff; // vary blocks a little
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return `v0-sha384-${hash.digest('hex')}`;
}

async function main(): Promise<void> {
  const file = join(work, 'big.bin');
  process.stdout.write(`creating ${MB} MB test file…\n`);
  const expectedHash = await makeFile(file, MB);
  const size = statSync(file).size;

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(pkgDir, 'src/cli.ts'), '--port', '0', '--data', join(work, 'data')],
    {
      cwd: pkgDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const ready = new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const key = /API key: (\S+)/.exec(out)?.[1];
      if (url && key) resolve({ url, key: key.split(':').pop()! });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const { url, key } = await ready;
  const auth = { Authorization: `scitran-user ${key}` };
  const json = async (method: string, path: string, body: unknown) => {
    const r = await fetch(url + path, {
      method,
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { _id: string };
  };
  await json('POST', '/groups', { _id: 'bench', label: 'Bench' });
  const project = (await json('POST', '/projects', { group: 'bench', label: 'Bench' }))._id;

  const pid = child.pid!;
  const baseline = memKb(pid, 'VmRSS');
  let peakSampled = baseline;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, memKb(pid, 'VmRSS'))), 20);

  // upload: multipart body streamed from disk with an exact Content-Length
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const t0 = performance.now();
  const uploaded = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(`${url}/projects/${project}/files`);
    const req = request(
      u,
      {
        method: 'POST',
        headers: {
          ...auth,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': head.length + size + tail.length,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(head);
    const src = createReadStream(file);
    src.pipe(req, { end: false });
    src.on('end', () => req.end(tail));
  });
  const t1 = performance.now();
  if (uploaded.status !== 200)
    throw new Error(`upload failed: ${uploaded.status} ${uploaded.body}`);
  const entry = (JSON.parse(uploaded.body) as { hash: string; size: number }[])[0]!;
  if (entry.hash !== expectedHash || entry.size !== size)
    throw new Error('server hash/size mismatch');

  // download: stream and hash, never hold the file
  const t2 = performance.now();
  const res = await fetch(`${url}/projects/${project}/files/big.bin`, { headers: auth });
  const h = createHash('sha384');
  let got = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    got += chunk.byteLength;
    h.update(chunk);
  }
  const t3 = performance.now();
  clearInterval(sampler);
  if (got !== size || `v0-sha384-${h.digest('hex')}` !== expectedHash)
    throw new Error('download mismatch');
  const hwm = memKb(pid, 'VmHWM');
  child.kill('SIGTERM');
  await once(child, 'exit');
  rmSync(work, { recursive: true, force: true });

  const mb = size / (1024 * 1024);
  const fmt = (n: number) => n.toFixed(1);
  process.stdout.write(
    [
      `file size:          ${fmt(mb)} MiB`,
      `upload:             ${fmt((t1 - t0) / 1000)} s  (${fmt(mb / ((t1 - t0) / 1000))} MiB/s)`,
      `download:           ${fmt((t3 - t2) / 1000)} s  (${fmt(mb / ((t3 - t2) / 1000))} MiB/s)`,
      `server RSS before:  ${fmt(baseline / 1024)} MiB`,
      `server RSS peak:    ${fmt(Math.max(peakSampled, hwm) / 1024)} MiB (sampled ${fmt(peakSampled / 1024)}, VmHWM ${fmt(hwm / 1024)})`,
      `peak RSS growth:    ${fmt((Math.max(peakSampled, hwm) - baseline) / 1024)} MiB`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  rmSync(work, { recursive: true, force: true });
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
