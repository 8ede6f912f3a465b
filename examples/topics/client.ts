/** Connecting: the client from an API key, and who you are on the site. */
import type { Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

export async function run(fw: Client, report: Report) {
  report.section('Client and current user');
  report.call(
    `const fw = new Client(apiKey)  // "host:port:KEY"; new Client() reads the CLI login`,
  );
  report.fields([['API base URL', fw.baseUrl]]);
  report.call('const me = await fw.getCurrentUser()');
  const me = await fw.getCurrentUser();
  const name = `${me.firstname ?? ''} ${me.lastname ?? ''}`.trim();
  report.fields([
    ['name', name],
    ['email', me.email],
    ['user id', me._id],
    ['site admin', me.root ? 'yes' : 'no'],
  ]);
  return { userId: me._id, name, baseUrl: fw.baseUrl };
}

if (isMain(import.meta.url)) await runStandalone(run);
