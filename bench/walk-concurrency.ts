/**
 * Walk benchmark (not a test): `--files` small files (default 1000, `--kib` 4 KiB each) spread
 * over 10 acquisitions are each read once (`acquisition.readFile(name)`), sequentially and with
 * `forEachConcurrent(…, --concurrency 8, …)`, side by side with the same walk as raw `fetch`
 * calls. The server runs in its own process (lib/server-child.ts); the CPU time both processes
 * use during each walk is reported, to show what limits the speed-up on a 2-core machine. The
 * order of the walks rotates between `--runs` (default 3). Every read is checked byte for byte.
 *
 *   npx tsx bench/walk-concurrency.ts [--files 1000] [--concurrency 8] [--runs 3]
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client, FileSpec, forEachConcurrent, mapConcurrent } from '@fw/sdk/node';
import { cpuProbe, fmt, machine, machineSpeed, numberArg, table } from './lib/report.ts';
import { startServerProcess, type ServerProcess } from './lib/server.ts';

const FILES = numberArg('files', 1000);
const KIB = numberArg('kib', 4);
const CONCURRENCY = numberArg('concurrency', 8);
const RUNS = numberArg('runs', 3);
const ACQUISITIONS = 10;

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

interface Walk {
  name: string;
  run: () => Promise<void>;
}

async function main(): Promise<void> {
  let server: ServerProcess | undefined;
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    process.stdout.write(`${machineSpeed(cpuProbe())}\n`);
    server = await startServerProcess();
    const fw = new Client(server.apiKey);
    await fw.addGroup({ _id: 'walk', label: 'Walk' });
    const project = await (await fw.getGroup('walk')).addProject({ label: 'Walk' });
    const session = await project.addSession({ label: 'ses-1', subject: { code: 'sub-1' } });
    const acquisitions = await mapConcurrent(
      Array.from({ length: ACQUISITIONS }, (_, i) => i),
      4,
      (i) => session.addAcquisition({ label: `acq-${i}` }),
    );
    const files = Array.from({ length: FILES }, (_, i) => ({
      acquisition: acquisitions[i % ACQUISITIONS]!,
      name: `f-${String(i).padStart(5, '0')}.bin`,
      bytes: randomBytes(KIB * 1024),
    }));
    process.stdout.write(`uploading ${FILES} files of ${KIB} KiB…\n`);
    let t = performance.now();
    await forEachConcurrent(files, CONCURRENCY, (f) =>
      f.acquisition.uploadFile(new FileSpec(f.name, f.bytes)),
    );
    process.stdout.write(`uploaded in ${fmt((performance.now() - t) / 1000, 1)} s\n`);

    const base = server.url;
    const auth = {
      Authorization: `scitran-user ${server.apiKey.slice(server.apiKey.lastIndexOf(':') + 1)}`,
    };
    const viaSdk = (f: (typeof files)[number]) => f.acquisition.readFile(f.name);
    const viaFetch = async (f: (typeof files)[number]) => {
      const r = await fetch(`${base}/acquisitions/${f.acquisition.id}/files/${f.name}`, {
        headers: auth,
      });
      check(r.ok, `raw fetch status ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    };
    const verify = (f: (typeof files)[number], got: Uint8Array) =>
      check(Buffer.from(got).equals(f.bytes), `bytes of ${f.name}`);
    const walks: Walk[] = [
      {
        name: 'sdk sequential',
        run: async () => {
          for (const f of files) verify(f, await viaSdk(f));
        },
      },
      {
        name: `sdk forEachConcurrent ${CONCURRENCY}`,
        run: () => forEachConcurrent(files, CONCURRENCY, async (f) => verify(f, await viaSdk(f))),
      },
      {
        name: 'raw fetch sequential',
        run: async () => {
          for (const f of files) verify(f, await viaFetch(f));
        },
      },
      {
        name: `raw fetch ${CONCURRENCY} in flight`,
        run: () => forEachConcurrent(files, CONCURRENCY, async (f) => verify(f, await viaFetch(f))),
      },
    ];
    // warm-up: connections, code paths, the server's statements
    await forEachConcurrent(files.slice(0, 50), CONCURRENCY, async (f) =>
      verify(f, await viaSdk(f)),
    );
    await forEachConcurrent(files.slice(0, 50), CONCURRENCY, async (f) =>
      verify(f, await viaFetch(f)),
    );

    const results = new Map<string, { ms: number; clientCpu: number; serverCpu: number }[]>();
    for (let run = 0; run < RUNS; run++) {
      const order = walks.map((_, i) => walks[(i + run) % walks.length]!);
      process.stdout.write(`run ${run + 1}/${RUNS}\n`);
      for (const walk of order) {
        const c0 = process.cpuUsage();
        const s0 = cpuOf(server.pid);
        t = performance.now();
        await walk.run();
        const ms = performance.now() - t;
        const c = process.cpuUsage(c0);
        const entry = {
          ms,
          clientCpu: (c.user + c.system) / 1e6,
          serverCpu: cpuOf(server.pid) - s0,
        };
        results.set(walk.name, [...(results.get(walk.name) ?? []), entry]);
      }
    }

    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    const seqOf = (name: string) =>
      results.get(name.startsWith('sdk') ? 'sdk sequential' : 'raw fetch sequential')!;
    const rows = walks.map((w) => {
      const rs = results.get(w.name)!;
      const secs = rs.map((r) => r.ms / 1000);
      const speedups = rs.map((r, i) => seqOf(w.name)[i]!.ms / r.ms);
      const wall = median(rs.map((r) => r.ms / 1000));
      return [
        w.name,
        String(rs.length),
        fmt(wall, 2),
        `${fmt(Math.min(...secs), 2)}–${fmt(Math.max(...secs), 2)}`,
        fmt(FILES / wall, 0),
        `${fmt(median(speedups), 2)} (${fmt(Math.min(...speedups), 2)}–${fmt(Math.max(...speedups), 2)})`,
        fmt(median(rs.map((r) => r.clientCpu / (r.ms / 1000))) * 100, 0) + ' %',
        fmt(median(rs.map((r) => r.serverCpu / (r.ms / 1000))) * 100, 0) + ' %',
        fmt(median(rs.map((r) => ((r.clientCpu + r.serverCpu) * 1000) / FILES)), 2),
        // the most any concurrency could give: sequential wall time over the CPU the walk needs,
        // spread on both cores (were they free)
        fmt(
          median(seqOf(w.name).map((r) => r.ms / 1000)) /
            (median(rs.map((r) => r.clientCpu + r.serverCpu)) / 2),
          1,
        ),
      ];
    });
    process.stdout.write(
      `\nverified: every read byte-equal (${FILES} files × ${KIB} KiB per walk)\n\n` +
        table(
          [
            'walk',
            'runs',
            'seconds',
            'range',
            'files/s',
            '× sequential (range)',
            'client CPU',
            'server CPU',
            'CPU ms/file',
            'bound on 2 free cores',
          ],
          rows,
        ) +
        `CPU = CPU time / wall time (100 % = one core) of this process and of the server child (pid ${server.pid}); CPU ms/file = both processes' CPU time per file;\n` +
        `bound = sequential seconds / (that walk's CPU seconds / 2 cores): the speed-up two otherwise idle cores would allow. The machine has 2 cores, shared with other work.\n`,
    );
  } finally {
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
