import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startServer } from './app/start.js';

const USAGE = `Usage: fw-server [--port N] [--host ADDR] [--data DIR] [--signed-urls] [--cors-origin ORIGIN]...
                 [--engine [--engine-time-limit SECONDS]]

  --port N     TCP port (default 8080; 0 picks a free one)
  --host ADDR  interface to bind (default 127.0.0.1)
  --data DIR   data directory: database and file blobs (default ./.fw-server)
  --signed-urls  offer signed-URL uploads (single-use PUT URLs on this server)
  --cors-origin ORIGIN  page origin allowed to call the server from a browser (repeatable;
               '*' for any; default: localhost, 127.0.0.1 and [::1] on any port)
  --engine     run a local engine: pending jobs of gears whose manifest has a "command"
               are run on this machine
  --engine-time-limit SECONDS  most time a gear may run (default 600)
  --headers-timeout MS  most time to receive a request's headers (default 20000)
  --request-timeout MS  most time to receive a whole request (default 3600000)
  --idle-timeout MS     close a connection silent this long, mid-body or idle (default 30000)
`;

/** The time-bound flags: flag name → `startServer` option. */
const TIME_FLAGS = {
  'headers-timeout': 'headersTimeoutMs',
  'request-timeout': 'requestTimeoutMs',
  'idle-timeout': 'idleTimeoutMs',
} as const;
type TimeFlag = keyof typeof TIME_FLAGS;

/** Parse the given time-bound flags as positive integer milliseconds; throw naming the flag. */
function timeBounds(values: Partial<Record<TimeFlag, string>>) {
  const out: Partial<Record<(typeof TIME_FLAGS)[TimeFlag], number>> = {};
  for (const [flag, option] of Object.entries(TIME_FLAGS) as [TimeFlag, string][]) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw)))
      throw new Error(
        `invalid --${flag} ${JSON.stringify(raw)}: expected milliseconds, a whole number ≥ 1`,
      );
    out[option as (typeof TIME_FLAGS)[TimeFlag]] = Number(raw);
  }
  // Node refuses a headers bound longer than the whole-request bound
  const headers = out.headersTimeoutMs ?? 20_000;
  if (out.requestTimeoutMs !== undefined && headers > out.requestTimeoutMs)
    throw new Error(
      `--request-timeout ${out.requestTimeoutMs} is shorter than the headers bound (${headers} ms): raise it or lower --headers-timeout`,
    );
  return out;
}

async function main(): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    data?: string;
    'signed-urls'?: boolean;
    'cors-origin'?: string[];
    engine?: boolean;
    'engine-time-limit'?: string;
    help?: boolean;
  } & Partial<Record<TimeFlag, string>>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'signed-urls': { type: 'boolean' },
        'cors-origin': { type: 'string', multiple: true },
        engine: { type: 'boolean' },
        'engine-time-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'headers-timeout': { type: 'string' },
        'request-timeout': { type: 'string' },
        'idle-timeout': { type: 'string' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid --port ${values.port}\n${USAGE}`);
    process.exit(2);
  }
  const limit = values['engine-time-limit'];
  const limitS = limit === undefined ? undefined : Number(limit);
  if (limitS !== undefined && (!Number.isFinite(limitS) || limitS <= 0)) {
    process.stderr.write(
      `invalid --engine-time-limit ${limit}: give a number of seconds\n${USAGE}`,
    );
    process.exit(2);
  }
  if (limitS !== undefined && !values.engine) {
    process.stderr.write(`--engine-time-limit needs --engine\n${USAGE}`);
    process.exit(2);
  }
  let bounds: ReturnType<typeof timeBounds>;
  try {
    bounds = timeBounds(values);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const server = await startServer({
    ...bounds,
    port,
    host: values.host ?? '127.0.0.1',
    dataDir: resolve(values.data ?? '.fw-server'),
    log: (line) => process.stderr.write(line + '\n'),
    signedUrls: Boolean(values['signed-urls']),
    ...(values.engine
      ? { engine: limitS === undefined ? true : { timeLimitMs: Math.round(limitS * 1000) } }
      : {}),
    ...(values['cors-origin']?.length
      ? { corsOrigin: values['cors-origin'].includes('*') ? '*' : values['cors-origin'] }
      : {}),
  });
  process.stdout.write(
    `Flywheel-compatible server listening on ${server.url}\nData directory: ${server.dataDir}\n${server.engine ? 'Local engine: on\n' : ''}API key: ${server.apiKey}\n`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
