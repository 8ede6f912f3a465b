import { Client } from '@fw/sdk/node';
import { FinderDb } from './lib/finder-db.ts';
const db = new FinderDb();
await db.start();
const p = await db.addProject('Layers', 'layer-', 20);
await db.seed([{ project: p, n: 20000 }]);
const fw = new Client(db.server!.apiKey);
const which = process.argv[2];
type Item = { _id: string };
const project = await fw.getProject(p.id);
const walk = async () => {
  if (which === 'iter') { let n = 0; for await (const s of project.sessions.iter()) if (s.id) n++; return n; }
  let after: string | undefined; let n = 0;
  for (;;) {
    const query = after === undefined ? { limit: 250 } : { limit: 250, after_id: after };
    const items = (await fw.api.GET('/projects/{project_id}/sessions', { params: { path: { project_id: p.id }, query } })).data as unknown as Item[];
    if (items.length === 0) return n;
    n += items.length; after = items[items.length - 1]!._id;
  }
};
await walk();
const { Session } = await import('node:inspector/promises');
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
const t0 = performance.now(); const c0 = process.cpuUsage();
for (let i = 0; i < 4; i++) await walk();
const c = process.cpuUsage(c0);
const { profile } = await s.post('Profiler.stop');
(await import('node:fs')).mkdirSync(`/tmp/w3-${which}`, { recursive: true });
(await import('node:fs')).writeFileSync(`/tmp/w3-${which}/p.cpuprofile`, JSON.stringify(profile));
console.log(which, ((performance.now() - t0) / 4).toFixed(0), 'ms/walk; cpu', ((c.user + c.system) / 4000).toFixed(0), 'ms/walk');
process.exit(0);
