/**
 * Finder benchmark (not a test): seeds N sessions in one project (server in a child process),
 * then compares `await project.sessions.find()` (every session in memory) with
 * `for await (const s of project.sessions.iter())` (one page at a time): time, requests, and
 * this (client) process's heap/RSS growth, including what is still retained after a full GC
 * at the end, and the heap sampled as the requests go by. Both must see all N sessions.
 *
 *   npx tsx bench/finder-iter.ts [--n 20000] [--concurrency 8]
 */
import { Client, mapConcurrent, type Session } from '@fw/sdk/node';
import { collectGarbage, measureMemory, type MemoryReport } from './lib/memory.ts';
import { fmt, machine, numberArg, table } from './lib/report.ts';
import { startServerProcess, type ServerProcess } from './lib/server.ts';

const MiB = 1024 * 1024;
const N = numberArg('n', 20_000);
const CONCURRENCY = numberArg('concurrency', 8);
const SUBJECTS = Math.max(1, Math.ceil(N / 200));

/** Counts the requests a client makes and samples the heap as each one starts. */
class RequestLog {
  count = 0;
  heap: number[] = [];
  reset(): void {
    this.count = 0;
    this.heap = [];
  }
  readonly fetch = (request: Request): Promise<Response> => {
    this.count++;
    this.heap.push(process.memoryUsage().heapUsed);
    return fetch(request);
  };
}

interface Row {
  how: string;
  items: number;
  ms: number;
  requests: number;
  memory: MemoryReport;
  retainedMiB: number;
  /** heapUsed over the start at ¼, ½, ¾ of the requests and at the last one, MiB. */
  trajectory: number[];
}

async function seed(fw: Client): Promise<string> {
  await fw.addGroup({ _id: 'bench', label: 'Bench' });
  const group = await fw.getGroup('bench');
  const project = await group.addProject({ label: 'Finder' });
  const pid = project.id;
  const subjects = await mapConcurrent(
    Array.from({ length: SUBJECTS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const { data } = await fw.api.POST('/subjects', {
        body: { project: pid, code: `sub-${String(i).padStart(4, '0')}` },
      });
      return data._id;
    },
  );
  let done = 0;
  const t = performance.now();
  await mapConcurrent(
    Array.from({ length: N }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      await fw.api.POST('/sessions', {
        body: {
          project: pid,
          label: `ses-${String(i).padStart(6, '0')}`,
          subject: { _id: subjects[i % subjects.length]! },
          info: { seeded: true, index: i },
        },
      });
      if (++done % 5000 === 0) process.stdout.write(`  ${done}/${N}\n`);
    },
  );
  process.stdout.write(
    `seeded ${N} sessions under ${SUBJECTS} subjects in ${fmt((performance.now() - t) / 1000)} s\n`,
  );
  return pid;
}

async function main(): Promise<void> {
  let server: ServerProcess | undefined;
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    server = await startServerProcess();
    const projectId = await seed(new Client(server.apiKey));

    const log = new RequestLog();
    const fw = new Client(server.apiKey, { fetch: log.fetch });
    const project = await fw.getProject(projectId);

    // warm-up: both code paths once, on a few pages
    await project.sessions.find({ limit: 1000 });
    for await (const s of project.sessions.iter({ limit: 250 })) if (s.label === '') break;

    const rows: Row[] = [];
    const measure = async (how: string, fn: () => Promise<{ items: number; keep?: unknown }>) => {
      log.reset();
      const t = performance.now();
      const { result, memory } = await measureMemory(fn);
      const ms = performance.now() - t;
      const requests = log.count;
      // what the caller still holds once the run is over (the find() array, or nothing)
      collectGarbage();
      const retainedMiB = (process.memoryUsage().heapUsed - memory.heapBefore) / MiB;
      const at = (q: number) =>
        (log.heap[Math.min(log.heap.length - 1, Math.ceil(q * log.heap.length) - 1)]! -
          memory.heapBefore) /
        MiB;
      rows.push({
        how,
        items: result.items,
        ms,
        requests,
        memory,
        retainedMiB,
        trajectory: [at(0.25), at(0.5), at(0.75), at(1)],
      });
      if (result.keep === undefined) return undefined;
      return result.keep;
    };

    process.stdout.write('iter()…\n');
    await measure('for await … sessions.iter()', async () => {
      let items = 0;
      for await (const s of project.sessions.iter()) {
        if (s.label !== undefined) items++;
      }
      return { items };
    });

    process.stdout.write('find()…\n');
    const kept = (await measure('await sessions.find()', async () => {
      const all = await project.sessions.find();
      return { items: all.length, keep: all };
    })) as Session[];
    const unique = new Set(kept.map((s) => s.id)).size;

    for (const r of rows) {
      if (r.items !== N) throw new Error(`verification failed: ${r.how} saw ${r.items} of ${N}`);
    }
    if (unique !== N) throw new Error(`verification failed: find() returned ${unique} unique ids`);

    process.stdout.write(
      `\nverified: both saw all ${N} sessions (find(): ${unique} unique ids)\n\n`,
    );
    process.stdout.write(
      table(
        ['how', 'items', 'seconds', 'requests', 'peak RSS +', 'peak heap +', 'retained'],
        rows.map((r) => [
          r.how,
          r.items,
          fmt(r.ms / 1000, 2),
          r.requests,
          `${fmt(r.memory.rssGrowthMiB)} MiB`,
          `${fmt(r.memory.heapGrowthMiB)} MiB`,
          `${fmt(r.retainedMiB)} MiB`,
        ]),
      ),
    );
    process.stdout.write('\nheap over the start as the requests go by (MiB, no forced GC):\n\n');
    process.stdout.write(
      table(
        ['how', '¼', '½', '¾', 'last'],
        rows.map((r) => [r.how, ...r.trajectory.map((v) => fmt(v))]),
      ),
    );
    process.stdout.write(
      `\nretained = heap still in use after a full GC at the end (find() keeps its array)\n` +
        `client process only (server in child pid ${server.pid}); page size 250 (the SDK default)\n`,
    );
  } finally {
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
