/**
 * Server finders and iteration at scale (not a test): bulk-seeds `--sessions` (default 100 000)
 * sessions in one project and `--small` (20 000) in another (seed-db.ts: the server's own db
 * module, one transaction, the server restarted on the result), then
 * - times the finder requests of issue 11 with raw `fetch` (keep-alive): p50 of `--requests`
 *   (30) per round, `--rounds` (5) rounds interleaved; the figure is the median of the p50s;
 * - iterates both projects with a raw `after_id` fetch loop and with the SDK's `iter()`,
 *   `--iter-rounds` (3) times each, alternating, with the client heap of each `iter()` run.
 * Every answer is checked: the benchmark fails only on a wrong count or a wrong item.
 *
 *   npx tsx bench/finder-server.ts [--sessions 100000] [--small 20000] [--rounds 5]
 */
import { Client } from '@fw/sdk/node';
import {
  finderQueries,
  FinderDb,
  median,
  timeQueries,
  type SeededProject,
} from './lib/finder-db.ts';
import { measureMemory } from './lib/memory.ts';
import { cpuProbe, fmt, machine, machineSpeed, numberArg, table } from './lib/report.ts';

const N = numberArg('sessions', 100_000);
const SMALL = numberArg('small', 20_000);
const ROUNDS = numberArg('rounds', 5);
const REQUESTS = numberArg('requests', 30);
const ITER_ROUNDS = numberArg('iter-rounds', 3);

/** The raw loop `iter()` is measured against: `limit=250` pages walked with `after_id`. */
async function rawLoop(db: FinderDb, p: SeededProject): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const q = after ? `&after_id=${after}` : '';
    const items = (await db.raw.get(`/projects/${p.id}/sessions?limit=250${q}`)) as {
      _id: string;
    }[];
    if (items.length === 0) return count;
    count += items.length;
    after = items[items.length - 1]!._id;
  }
}

async function sdkIter(fw: Client, p: SeededProject): Promise<number> {
  const project = await fw.getProject(p.id);
  let count = 0;
  for await (const s of project.sessions.iter()) if (s.id) count++;
  return count;
}

async function main(): Promise<void> {
  const db = new FinderDb();
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    const probeStart = cpuProbe();
    await db.start();
    const big = await db.addProject('Finder big', 'big-', Math.ceil(N / 1000));
    const small = await db.addProject('Finder small', 'small-', Math.ceil(SMALL / 1000));
    const seedSeconds = await db.seed([
      { project: big, n: N },
      { project: small, n: SMALL },
    ]);
    process.stdout.write(
      `seeded ${N + SMALL} sessions (${N} + ${SMALL}) in ${fmt(seedSeconds)} s; ` +
        `database ${fmt(db.sizeMiB())} MiB\n\n`,
    );

    const timings = await timeQueries(db.raw, finderQueries(big), ROUNDS, REQUESTS);
    process.stdout.write(
      `finders over the ${N}-session project, raw fetch: p50 of ${REQUESTS} requests per round, ${ROUNDS} rounds\n\n`,
    );
    process.stdout.write(
      table(
        ['finder', 'p50 ms (median)', 'min', 'max'],
        timings.map((t) => [
          t.name,
          fmt(median(t.p50s), 2),
          fmt(Math.min(...t.p50s), 2),
          fmt(Math.max(...t.p50s), 2),
        ]),
      ),
    );

    const fw = new Client(db.server!.apiKey);
    const runs: Record<string, number[]> = {};
    const heap: Record<number, number[]> = {};
    const add = (k: string, ms: number) => (runs[k] ??= []).push(ms);
    for (let r = 0; r < ITER_ROUNDS; r++) {
      for (const p of [small, big]) {
        const want = p.n + 1; // the seeded sessions and the template
        let t = performance.now();
        const rawCount = await rawLoop(db, p);
        add(`raw ${p.n}`, performance.now() - t);
        t = performance.now();
        const { result: iterCount, memory } = await measureMemory(() => sdkIter(fw, p));
        add(`iter ${p.n}`, performance.now() - t);
        (heap[p.n] ??= []).push(memory.heapGrowthMiB);
        if (rawCount !== want || iterCount !== want)
          throw new Error(
            `verification failed: ${p.n}-session project: raw loop saw ${rawCount}, iter() ${iterCount}, want ${want}`,
          );
      }
    }
    const m = (k: string) => median(runs[k]!) / 1000;
    const spread = (k: string) =>
      `${fmt(Math.min(...runs[k]!) / 1000, 2)}–${fmt(Math.max(...runs[k]!) / 1000, 2)}`;
    process.stdout.write(
      `\niterating every session (page 250), median of ${ITER_ROUNDS} runs, seconds\n\n`,
    );
    process.stdout.write(
      table(
        ['how', `${SMALL}`, 'spread', `${N}`, 'spread', `×(${N}/${SMALL})`],
        ['raw', 'iter'].map((h) => [
          h === 'raw' ? 'raw fetch loop (after_id)' : 'for await … sessions.iter()',
          fmt(m(`${h} ${SMALL}`), 2),
          spread(`${h} ${SMALL}`),
          fmt(m(`${h} ${N}`), 2),
          spread(`${h} ${N}`),
          fmt(m(`${h} ${N}`) / m(`${h} ${SMALL}`), 2),
        ]),
      ),
    );
    process.stdout.write(
      `\niter() / raw loop: ${fmt(m(`iter ${SMALL}`) / m(`raw ${SMALL}`), 3)} at ${SMALL}, ` +
        `${fmt(m(`iter ${N}`) / m(`raw ${N}`), 3)} at ${N}\n` +
        `client peak heap + during iter() (MiB, each run): ` +
        [SMALL, N].map((n) => `${heap[n]!.map((h) => fmt(h)).join(', ')} at ${n}`).join('; ') +
        '\n' +
        `${machineSpeed(probeStart, cpuProbe())}\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
