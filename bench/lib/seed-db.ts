/**
 * Bulk seed for the finder benchmarks: sessions written straight into a stopped server's SQLite
 * file through the server's own db module (`insertContainer`, so the index columns and the
 * change-log trigger are exactly what the HTTP path writes), in one transaction. 100k sessions
 * over HTTP take minutes; this takes seconds, and a million is within reach.
 *
 * Each session is a copy of a template made over HTTP (so its document has every field the
 * server puts there), with its own id, label, subject, dates and `info`.
 */
import { statSync } from 'node:fs';
import * as dbOpen from '../../packages/server/src/db/open.ts';
import {
  insertContainer,
  parseDoc,
  type ContainerRow,
} from '../../packages/server/src/db/containers.ts';
import { toStoredTimestamp } from '../../packages/server/src/query/index.ts';
import { embedSubject } from '../../packages/server/src/app/containers.ts';

export interface SeedSpec {
  /** The server's database file (the server must be stopped). */
  file: string;
  /** A session made over HTTP, copied for every seeded one. */
  templateId: string;
  /** Subjects to spread the sessions over (round robin). */
  subjectIds: string[];
  n: number;
  /** First index (to add to an earlier seed); 0 by default. */
  from?: number;
  /** Labels are `${prefix}${i padded to 7}`; info.bench.key is `key-${i}`. */
  prefix: string;
  /** Session i is created at `startMs + i` seconds. */
  startMs: number;
}

/** The seeded session i's fields the benchmarks query for. */
export const seeded = {
  label: (prefix: string, i: number) => `${prefix}${String(i).padStart(7, '0')}`,
  key: (i: number) => `key-${i}`,
  created: (startMs: number, i: number) => toStoredTimestamp(startMs + i * 1000),
};

let counter = 0;
/** ObjectId-like ids ordered like the creation times (as the server's own ids are). */
function idFor(ms: number): string {
  counter = (counter + 1) % 0x1000000;
  const secs = Math.floor(ms / 1000)
    .toString(16)
    .padStart(8, '0');
  return secs + 'bee5eed000' + counter.toString(16).padStart(6, '0');
}

/** Insert the sessions; returns the seconds it took (commit and statistics included). */
export function seedSessions(spec: SeedSpec): number {
  const t = performance.now();
  const db = dbOpen.openDatabase(spec.file);
  try {
    const row = db.prepare('SELECT * FROM containers WHERE id = ?').get(spec.templateId) as
      ContainerRow | undefined;
    if (!row) throw new Error(`seed: template session ${spec.templateId} not found`);
    const template = parseDoc(row);
    const subjects = spec.subjectIds.map((id) => {
      const s = db.prepare('SELECT doc FROM containers WHERE id = ?').get(id) as { doc: string };
      return { id, embed: embedSubject(JSON.parse(s.doc) as Record<string, unknown>) };
    });
    db.transaction(() => {
      for (let i = spec.from ?? 0; i < (spec.from ?? 0) + spec.n; i++) {
        const ms = spec.startMs + i * 1000;
        const when = toStoredTimestamp(ms);
        const subject = subjects[i % subjects.length]!;
        const doc = {
          ...template,
          _id: idFor(ms),
          label: seeded.label(spec.prefix, i),
          created: when,
          modified: when,
          timestamp: when,
          info: { bench: { key: seeded.key(i) }, index: i },
          subject: subject.embed,
          parents: { ...template.parents, subject: subject.id },
        };
        insertContainer(db, 'session', doc, row.perm_id);
      }
    })();
    // After a bulk load the planner needs fresh statistics; main's code had no helper for it.
    const refresh = (dbOpen as Record<string, unknown>).refreshStatistics;
    if (typeof refresh === 'function') (refresh as (d: typeof db) => void)(db);
  } finally {
    db.close();
  }
  return (performance.now() - t) / 1000;
}

/** The database file's size with its WAL, in MiB. */
export function dbSizeMiB(file: string): number {
  let bytes = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      bytes += statSync(f).size;
    } catch {
      // no WAL after a clean close
    }
  }
  return bytes / 1024 / 1024;
}
