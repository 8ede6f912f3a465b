/**
 * The SDK's per-item cost in `iter()` with the network taken out (not a test; `pnpm run bench`
 * runs it with the rest): an injected fetch answers stored 250-session pages (JSON of the shape
 * the server sends for `/projects/{id}/sessions`), walked by a raw `fetch` + `.json()` after_id
 * loop and by `project.sessions.iter()`, alternating. Only client work shows, so this is the
 * script to profile (`node --cpu-prof`, through tsx) and to compare model-construction changes
 * with.
 *
 *   npx tsx bench/iter-no-network.ts [--pages 400] [--runs 5]
 */
import { Client } from '@fw/sdk/node';
import { machine, numberArg, table } from './lib/report.ts';

const PAGES = numberArg('pages', 400);
const RUNS = numberArg('runs', 5);
const PROJECT = 'f'.repeat(24);
const hex = (n: number): string => n.toString(16).padStart(24, '0');

function session(i: number): object {
  const when = '2024-01-02T03:04:05.123Z';
  const subject = hex(500_000 + i);
  return {
    _id: hex(i + 1),
    group: 'bench',
    project: PROJECT,
    parents: { group: 'bench', project: PROJECT, subject },
    label: `big-${i}`,
    timestamp: when,
    timezone: 'UTC',
    permissions: [{ id: 'admin@local', role_id: hex(7) }],
    tags: [],
    notes: [],
    subject: {
      _id: subject,
      code: `s${i}`,
      label: `s${i}`,
      created: when,
      modified: when,
      parents: { group: 'bench', project: PROJECT },
    },
    files: [],
    info: {},
    info_exists: false,
    created: when,
    modified: when,
    revision: 1,
    container_type: 'session',
    analyses: [],
  };
}

const pages = [0, 1, 2, 3].map((p) =>
  new TextEncoder().encode(
    JSON.stringify(Array.from({ length: 250 }, (_, i) => session(p * 250 + i))),
  ),
);
const empty = new TextEncoder().encode('[]');
let served = 0;
// PAGES full pages, then an empty one that ends the walk; the same for both loops.
const stub = async (_request: Request): Promise<Response> => {
  const body = served >= PAGES ? empty : pages[served % pages.length]!;
  served++;
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength) },
  });
};
const fw = new Client('localhost:1:abcdefghijklmnop0123', { fetch: stub, disableAuthCheck: true });

async function raw(): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const q = after ? `&after_id=${after}` : '';
    const res = await stub(
      new Request(`http://localhost:1/api/projects/${PROJECT}/sessions?limit=250${q}`),
    );
    const items = (await res.json()) as { _id: string }[];
    if (items.length === 0) return count;
    count += items.length;
    after = items[items.length - 1]!._id;
  }
}

async function sdk(): Promise<number> {
  const sessions = fw.listFinder<{ id: string }>(
    'get_project_sessions',
    [PROJECT],
    'project.sessions',
  );
  let count = 0;
  for await (const s of sessions.iter()) if (s.id) count++;
  return count;
}

const times: Record<string, number[]> = { 'raw fetch loop': [], 'sessions.iter()': [] };
for (let r = 0; r < RUNS; r++) {
  for (const [name, walk] of [
    ['raw fetch loop', raw],
    ['sessions.iter()', sdk],
  ] as const) {
    served = 0;
    const t0 = performance.now();
    const n = await walk();
    const ms = performance.now() - t0;
    if (n !== PAGES * 250) throw new Error(`${name}: saw ${n} items, expected ${PAGES * 250}`);
    times[name]!.push((ms * 1000) / n);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`iter() without a network: ${machine()}; ${PAGES * 250} items, ${RUNS} runs each`);
console.log(
  table(
    ['how', 'µs/item (median)', 'min', 'max'],
    Object.entries(times).map(([name, xs]) => [
      name,
      median(xs).toFixed(2),
      Math.min(...xs).toFixed(2),
      Math.max(...xs).toFixed(2),
    ]),
  ),
);
const ratio = median(times['sessions.iter()']!) / median(times['raw fetch loop']!);
console.log(`iter() / raw: ${ratio.toFixed(2)}`);
