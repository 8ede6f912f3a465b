/**
 * Where `iter()`'s time over a raw loop goes (not a test; `pnpm run bench` runs it with the
 * rest): the same `--sessions` (50 000) session project walked, 250 a page with `after_id`,
 * three ways, alternating for `--runs` (5) rounds against one server process:
 * - a raw `fetch` + `JSON.parse` loop (as in finder-server.ts);
 * - `fw.api.GET` (@fw/api's transport, no models);
 * - `project.sessions.iter()` (the transport plus the finder and a model per item).
 * The order of the three rotates from round to round.
 * The step from raw to `api.GET` is the per-call path of @fw/api; the step from `api.GET` to
 * `iter()` is the SDK's own work per item. Every walk must see every session.
 *
 *   npx tsx bench/iter-layers.ts [--sessions 50000] [--runs 5] [--work-us 0]
 */
import { Client } from '@fw/sdk/node';
import { FinderDb, median } from './lib/finder-db.ts';
import { fmt, machine, numberArg, table } from './lib/report.ts';

const N = numberArg('sessions', 50_000);
const RUNS = numberArg('runs', 5);
/** Busy CPU per item in every walk (µs): a caller that does something with each item. */
const WORK_US = numberArg('work-us', 0);

/** Spin for WORK_US microseconds (the same work in every walk). */
function work(): void {
  if (WORK_US <= 0) return;
  const until = performance.now() + WORK_US / 1000;
  while (performance.now() < until);
}

async function main(): Promise<void> {
  const db = new FinderDb();
  try {
    process.stdout.write(`machine: ${machine()}\n`);
    await db.start();
    const p = await db.addProject('Layers', 'layer-', Math.ceil(N / 1000));
    await db.seed([{ project: p, n: N }]);
    const fw = new Client(db.server!.apiKey);
    type Item = { _id: string };
    const walks: Record<string, () => Promise<number>> = {
      'raw fetch loop': async () => {
        let after = '';
        let n = 0;
        for (;;) {
          const q = after ? `&after_id=${after}` : '';
          const items = (await db.raw.get(`/projects/${p.id}/sessions?limit=250${q}`)) as Item[];
          if (items.length === 0) return n;
          for (let i = 0; i < items.length; i++) work();
          n += items.length;
          after = items[items.length - 1]!._id;
        }
      },
      'fw.api.GET loop': async () => {
        let after: string | undefined;
        let n = 0;
        for (;;) {
          const query = after === undefined ? { limit: 250 } : { limit: 250, after_id: after };
          const { data } = await fw.api.GET('/projects/{project_id}/sessions', {
            params: { path: { project_id: p.id }, query },
          });
          const items = data as unknown as Item[];
          if (items.length === 0) return n;
          for (let i = 0; i < items.length; i++) work();
          n += items.length;
          after = items[items.length - 1]!._id;
        }
      },
      'sessions.iter()': async () => {
        const project = await fw.getProject(p.id);
        let n = 0;
        for await (const s of project.sessions.iter()) {
          work();
          if (s.id) n++;
        }
        return n;
      },
    };
    const times: Record<string, number[]> = {};
    const entries = Object.entries(walks);
    for (let r = 0; r < RUNS; r++) {
      // the order rotates each round, so no walk always runs first (after the last one's garbage)
      const order = [...entries.slice(r % entries.length), ...entries.slice(0, r % entries.length)];
      for (const [name, walk] of order) {
        const t = performance.now();
        const seen = await walk();
        (times[name] ??= []).push(performance.now() - t);
        if (seen !== N + 1)
          // the seeded sessions and the template
          throw new Error(`verification failed: ${name} saw ${seen} sessions, want ${N + 1}`);
      }
    }
    const raw = median(times['raw fetch loop']!);
    process.stdout.write(
      `\n${N} sessions, 250 a page, ${WORK_US} µs of work per item, median of ${RUNS} walks\n\n`,
    );
    process.stdout.write(
      table(
        ['walk', 'ms (median)', 'min', 'max', '× raw'],
        Object.entries(times).map(([name, ms]) => [
          name,
          fmt(median(ms), 0),
          fmt(Math.min(...ms), 0),
          fmt(Math.max(...ms), 0),
          fmt(median(ms) / raw, 3),
        ]),
      ),
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
