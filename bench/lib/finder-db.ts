/**
 * Shared setup of the server finder benchmarks: a server on a kept data dir, projects with
 * subjects and one template session each made over HTTP, then sessions bulk-seeded into the
 * stopped server's database (seed-db.ts) and the server started again on it, as a restart
 * after a bulk load would be. Also the raw `fetch` client the finders are timed with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbSizeMiB, seeded, seedSessions } from './seed-db.ts';
import { startServerProcess, type ServerProcess } from './server.ts';

export interface SeededProject {
  id: string;
  prefix: string;
  templateId: string;
  subjectIds: string[];
  /** Sessions seeded so far (the template is one more). */
  n: number;
  startMs: number;
}

/** Raw JSON requests with the admin's key over keep-alive (what the finders are timed with). */
export class Raw {
  constructor(
    readonly url: string,
    private readonly key: string,
  ) {}
  async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `scitran-user ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }
  get = (path: string) => this.send('GET', path);
}

export class FinderDb {
  readonly dir = mkdtempSync(join(tmpdir(), 'fw-bench-finder-'));
  readonly file = join(this.dir, 'flywheel.sqlite');
  server: ServerProcess | undefined;
  raw!: Raw;
  readonly projects: SeededProject[] = [];

  async start(): Promise<void> {
    this.server = await startServerProcess({ dataDir: this.dir });
    this.raw = new Raw(this.server.url, this.server.apiKey);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /** Over HTTP: a project with `subjects` subjects and one template session. */
  async addProject(label: string, prefix: string, subjects: number): Promise<SeededProject> {
    if (this.projects.length === 0)
      await this.raw.send('POST', '/groups', { _id: 'bench', label: 'Bench' });
    const { _id: pid } = (await this.raw.send('POST', '/projects', {
      group: 'bench',
      label,
    })) as { _id: string };
    const subjectIds: string[] = [];
    for (let i = 0; i < subjects; i++) {
      const { _id } = (await this.raw.send('POST', '/subjects', {
        project: pid,
        code: `${prefix}sub-${String(i).padStart(5, '0')}`,
      })) as { _id: string };
      subjectIds.push(_id);
    }
    const { _id: templateId } = (await this.raw.send('POST', '/sessions', {
      project: pid,
      label: `${prefix}template`,
      subject: { _id: subjectIds[0] },
    })) as { _id: string };
    // seeded dates start a whole second, ten million seconds back (before any real session)
    const startMs = (Math.floor(Date.now() / 1000) - 10_000_000) * 1000;
    const p = { id: pid, prefix, templateId, subjectIds, n: 0, startMs };
    this.projects.push(p);
    return p;
  }

  /** Stop the server, add `n` sessions to `p` straight into its database, start it again. */
  async seed(items: { project: SeededProject; n: number }[]): Promise<number> {
    await this.stop();
    let seconds = 0;
    for (const { project, n } of items) {
      seconds += seedSessions({
        file: this.file,
        templateId: project.templateId,
        subjectIds: project.subjectIds,
        n,
        from: project.n,
        prefix: project.prefix,
        startMs: project.startMs,
      });
      project.n += n;
    }
    await this.start();
    return seconds;
  }

  sizeMiB(): number {
    return dbSizeMiB(this.file);
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Median of the numbers (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `YYYY-MM-DDTHH:mm:ss` (a finder date literal) of an epoch time in whole seconds. */
export const dateLiteral = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

/** One finder request to time, and the check its answer must pass (a wrong count fails). */
export interface FinderQuery {
  name: string;
  path: string;
  check(body: unknown): string | null;
}

type Item = { _id: string; label: string; created: string };

/** The finder requests the goals name, against the seeded project `p` (middle of its range). */
export function finderQueries(p: SeededProject): FinderQuery[] {
  const mid = Math.floor(p.n / 2);
  const label = seeded.label(p.prefix, mid);
  const after = dateLiteral(p.startMs + mid * 1000);
  const list = `/projects/${p.id}/sessions`;
  const one =
    (want: string) =>
    (body: unknown): string | null => {
      const items = body as Item[];
      return items.length === 1 && items[0]!.label === want
        ? null
        : `expected 1 session labelled ${want}, got ${items.length}`;
    };
  const queries: FinderQuery[] = [
    {
      name: 'label=X, limit 100',
      path: `${list}?filter=${encodeURIComponent(`label=${label}`)}&limit=100`,
      check: one(label),
    },
    {
      name: 'created>D, sort created, limit 100',
      path: `${list}?filter=${encodeURIComponent(`created>${after}`)}&sort=created:asc&limit=100`,
      check: (body) => {
        const items = body as Item[];
        const first = seeded.label(p.prefix, mid + 1);
        const sorted = items.every((s, i) => i === 0 || items[i - 1]!.created <= s.created);
        return items.length === 100 && items[0]!.label === first && sorted
          ? null
          : `expected 100 sessions from ${first} in created order, got ${items.length} from ${items[0]?.label}`;
      },
    },
    {
      name: 'info.bench.key=V, limit 100',
      path: `${list}?filter=${encodeURIComponent(`info.bench.key=${seeded.key(mid)}`)}&limit=100`,
      check: one(label),
    },
    {
      name: 'first page of iter() (limit 250)',
      path: `${list}?limit=250`,
      check: (body) =>
        (body as Item[]).length === 250 ? null : `expected 250, got ${(body as Item[]).length}`,
    },
    {
      name: 'GET /sessions label=X, limit 100',
      path: `/sessions?filter=${encodeURIComponent(`label=${label}`)}&limit=100`,
      check: one(label),
    },
  ];
  return queries;
}

export interface Timing {
  name: string;
  /** p50 of each round, ms. */
  p50s: number[];
}

/**
 * Time each query `requests` times per round, interleaved (so a noisy moment on the shared
 * machine hits every query alike), after one checked warm-up request each.
 */
export async function timeQueries(
  raw: Raw,
  queries: FinderQuery[],
  rounds: number,
  requests: number,
): Promise<Timing[]> {
  for (const q of queries) {
    const problem = q.check(await raw.get(q.path));
    if (problem) throw new Error(`verification failed: ${q.name}: ${problem}`);
  }
  const out = queries.map((q) => ({ name: q.name, p50s: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    const samples = queries.map(() => [] as number[]);
    for (let i = 0; i < requests; i++) {
      for (const [k, q] of queries.entries()) {
        const t = performance.now();
        await raw.get(q.path);
        samples[k]!.push(performance.now() - t);
      }
    }
    samples.forEach((s, k) => out[k]!.p50s.push(median(s)));
  }
  return out;
}
