/**
 * Runs `@fw/server` (port 0, temp data dir) in its own process for the benchmarks, so the
 * client's memory is measured apart from the server's. Sends `{ url, apiKey }` over IPC; closes
 * the server (removing the temp dir) on SIGTERM, SIGINT or when the parent goes away. An argument
 * names a data dir to use instead (kept; the benchmarks that pass one seed it themselves).
 */
import { startServer } from '@fw/server';

const server = await startServer({ port: 0, dataDir: process.argv[2] });
let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  void server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
process.send?.({ url: server.url, apiKey: server.apiKey });
