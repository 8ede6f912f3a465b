/**
 * A million sessions (not a test; behind `--scale`, since the seed takes minutes): one project
 * is bulk-seeded to `--from` (100 000) sessions and its finders timed, then seeded on to
 * `--sessions` (1 000 000) and timed again with the same requests (raw `fetch`, p50 of
 * `--requests` (10) per round, median of `--rounds` (5) rounds). Prints the seed times, the database
 * size at both sizes and each finder's ratio of the large p50 to the small one. Every answer is
 * checked (a wrong count fails).
 *
 *   npx -y pnpm@10.34.9 run bench --only scale-1m --scale
 *   npx tsx bench/scale-1m.ts --scale [--indexed] [--sessions 1000000] [--from 100000]
 */
import {
  finderQueries,
  FinderDb,
  median,
  timeQueries,
  type SeededProject,
  type Timing,
} from './lib/finder-db.ts';
import { fmt, machine, numberArg, table } from './lib/report.ts';

const LARGE = numberArg('sessions', 1_000_000);
const SMALL = numberArg('from', 100_000);
const ROUNDS = numberArg('rounds', 5);
const REQUESTS = numberArg('requests', 10); // an info.* scan of a million documents takes seconds

/** `--indexed`: leave out the `info.*` scan (seconds a request at a million sessions). */
const queriesOf = (p: SeededProject) =>
  finderQueries(p).filter(
    (q) => !process.argv.includes('--indexed') || !q.name.startsWith('info.'),
  );

async function main(): Promise<void> {
  if (!process.argv.includes('--scale')) {
    process.stdout.write('skipped: pass --scale to seed and time a million sessions (minutes)\n');
    return;
  }
  if (LARGE <= SMALL) throw new Error('--sessions must be larger than --from');
  const db = new FinderDb();
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    await db.start();
    const p = await db.addProject('Scale', 'scale-', 100);
    const seedSmall = await db.seed([{ project: p, n: SMALL }]);
    const sizeSmall = db.sizeMiB();
    process.stdout.write(
      `seeded ${SMALL} sessions in ${fmt(seedSmall)} s; database ${fmt(sizeSmall)} MiB\n`,
    );
    const small = await timeQueries(db.raw, queriesOf(p), ROUNDS, REQUESTS);
    const seedLarge = await db.seed([{ project: p, n: LARGE - SMALL }]);
    const sizeLarge = db.sizeMiB();
    process.stdout.write(
      `seeded ${LARGE - SMALL} more (${LARGE} in all) in ${fmt(seedLarge)} s; database ${fmt(sizeLarge)} MiB\n\n`,
    );
    const large = await timeQueries(db.raw, queriesOf(p), ROUNDS, REQUESTS);
    const row = (s: Timing, l: Timing) => [
      s.name,
      fmt(median(s.p50s), 2),
      `${fmt(Math.min(...s.p50s), 2)}–${fmt(Math.max(...s.p50s), 2)}`,
      fmt(median(l.p50s), 2),
      `${fmt(Math.min(...l.p50s), 2)}–${fmt(Math.max(...l.p50s), 2)}`,
      fmt(median(l.p50s) / median(s.p50s), 2),
    ];
    process.stdout.write(
      `finders, raw fetch: p50 ms of ${REQUESTS} requests per round, median of ${ROUNDS} rounds\n\n`,
    );
    process.stdout.write(
      table(
        ['finder', `${SMALL}`, 'spread', `${LARGE}`, 'spread', 'ratio'],
        small.map((s, i) => row(s, large[i]!)),
      ),
    );
    process.stdout.write(
      `\nseed: ${SMALL} in ${fmt(seedSmall)} s, then ${LARGE - SMALL} in ${fmt(seedLarge)} s ` +
        `(${fmt(((seedSmall + seedLarge) / LARGE) * 1e6, 1)} µs per session); ` +
        `database ${fmt(sizeSmall)} MiB → ${fmt(sizeLarge)} MiB\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
