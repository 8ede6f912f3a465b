/**
 * Per-call benchmark (not a test): one small JSON read, `GET /containers/{id}` of a project,
 * made three ways side by side: raw `fetch` + `res.json()`, `api.GET(...)` (`@fw/api`) and
 * `fw.get(id)` (`@fw/sdk`). The server runs in a child process; every variant goes over
 * keep-alive to the same URL with the same headers. Wall time and client CPU
 * (`process.cpuUsage`, user + system) per call.
 *
 * Then the same with the network taken out: each client gets an injected fetch that answers a
 * stored response (the real bytes and headers of that read), and the peer is a bare call of
 * that fetch: `stub(new Request(url, init))` then `.json()`, which is what `fetch(url, init)`
 * itself does before the network (it builds a Request too).
 *
 * The machine is shared: the variants are interleaved in rounds (the order rotates each round),
 * and the figures are medians over the rounds, with the spread (min–max of the per-round
 * ratios).
 *
 *   npx tsx bench/per-call.ts [--rounds 15] [--calls 300] [--stub-calls 3000]
 */
import { authorizationHeader, createApiClient, parseApiKey } from '@fw/api';
import { Client } from '@fw/sdk';
import { cpuProbe, machine, machineSpeed, numberArg, table } from './lib/report.ts';
import { startServerProcess } from './lib/server.ts';

const ROUNDS = numberArg('rounds', 15);
const CALLS = numberArg('calls', 300);
const STUB_CALLS = numberArg('stub-calls', 3000);

type Variant = { name: string; call: () => Promise<unknown> };
interface Sample {
  us: number;
  cpuUs: number;
}

async function measure(v: Variant, calls: number): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await v.call();
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  return { us: Number(t1 - t0) / 1000 / calls, cpuUs: (cpu.user + cpu.system) / calls };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Rounds of every variant (rotating order); returns per-variant samples. */
async function rounds(variants: Variant[], calls: number): Promise<Map<string, Sample[]>> {
  const out = new Map(variants.map((v) => [v.name, [] as Sample[]]));
  for (const v of variants) await measure(v, Math.ceil(calls / 5)); // warm up (JIT, sockets)
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(r + i) % variants.length]!;
      out.get(v.name)!.push(await measure(v, calls));
    }
  }
  return out;
}

function report(title: string, samples: Map<string, Sample[]>, peer: string): void {
  const base = samples.get(peer)!;
  const rows = [...samples].map(([name, s]) => {
    const lat = s.map((x, i) => x.us / base[i]!.us);
    const cpu = s.map((x, i) => x.cpuUs / base[i]!.cpuUs);
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    return [
      name,
      median(s.map((x) => x.us)).toFixed(1),
      median(lat).toFixed(2),
      range(lat),
      median(s.map((x) => x.cpuUs)).toFixed(1),
      median(cpu).toFixed(2),
      range(cpu),
    ];
  });
  console.log(`\n${title}`);
  console.log(
    table(
      ['variant', 'µs/call', '× peer', 'spread', 'CPU µs/call', 'CPU × peer', 'CPU spread'],
      rows,
    ),
  );
}

const server = await startServerProcess();
try {
  const setup = new Client(server.apiKey, { disableAuthCheck: true });
  await setup.addGroup({ _id: 'bench', label: 'Bench' });
  const group = await setup.getGroup('bench');
  const project = await group.addProject({ label: 'Per call' });
  const id = project.id;

  const api = createApiClient({ apiKey: server.apiKey });
  const fw = new Client(server.apiKey);
  await fw.checkAuth(); // the one-off key check is not a per-call cost
  const url = `${api.baseUrl}/containers/${id}`;
  const headers = {
    Authorization: authorizationHeader(parseApiKey(server.apiKey)),
    'X-Accept-Feature': 'Safe-Redirect,multipart_signed_url',
    'User-Agent': 'bench',
  };
  const checkId = (data: unknown): void => {
    if ((data as { _id?: string })._id !== id) throw new Error('per-call: wrong answer');
  };
  const get = (): Promise<unknown> =>
    api.GET('/containers/{container_id}', { params: { path: { container_id: id } } });

  console.log(`per call: ${machine()}; ${ROUNDS} rounds of ${CALLS} calls per variant`);
  const probeStart = cpuProbe();
  report(
    'over keep-alive, GET /containers/{id} (the peer is raw fetch)',
    await rounds(
      [
        {
          name: 'raw fetch',
          call: async () => checkId(await (await fetch(url, { headers })).json()),
        },
        { name: 'api.GET', call: async () => checkId(((await get()) as { data: unknown }).data) },
        { name: 'fw.get(id)', call: async () => checkId(await fw.get(id)) },
      ],
      CALLS,
    ),
    'raw fetch',
  );

  // The network taken out: the stored bytes and headers of the same answer.
  const real = await fetch(url, { headers });
  const bytes = new Uint8Array(await real.arrayBuffer());
  const stored = { status: real.status, headers: [...real.headers] };
  const stub = async (_request: Request): Promise<Response> => new Response(bytes, stored);
  const apiStub = createApiClient({ apiKey: server.apiKey, fetch: stub });
  const fwStub = new Client(server.apiKey, { fetch: stub, disableAuthCheck: true });
  report(
    `no network: an injected fetch answers a stored ${bytes.byteLength}-byte response (the peer is a bare call of it)`,
    await rounds(
      [
        {
          name: 'bare stub call',
          call: async () => checkId(await (await stub(new Request(url, { headers }))).json()),
        },
        {
          name: 'api.GET',
          call: async () =>
            checkId(
              (
                (await apiStub.GET('/containers/{container_id}', {
                  params: { path: { container_id: id } },
                })) as { data: unknown }
              ).data,
            ),
        },
        { name: 'fw.get(id)', call: async () => checkId(await fwStub.get(id)) },
      ],
      STUB_CALLS,
    ),
    'bare stub call',
  );
  console.log(`\n${machineSpeed(probeStart, cpuProbe())}`);
} finally {
  await server.stop();
}
