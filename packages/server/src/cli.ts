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
`;

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
  };
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
  const server = await startServer({
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
