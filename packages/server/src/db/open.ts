import Database from 'better-sqlite3';
import { registerSqlFunctions } from '../query/index.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/** Open (creating if needed) the database file, enable WAL and bring the schema up to date. */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Up to 64 MiB of pages in memory (SQLite's default is 2 MiB): a finder that has to read every
  // document of a large project (an info.* filter) then reads them from here, not the OS.
  db.pragma('cache_size = -65536');
  registerSqlFunctions(db);
  cacheStatements(db);
  migrate(db);
  // The planner picks between the label, created, parents… indexes by their statistics: with
  // none (or stale ones) it can walk the (type, id) index over every row instead. analysis_limit
  // makes each ANALYZE a bounded sample (milliseconds at a million rows); 0x10002 analyses every
  // table that changed enough since its last statistics (or never had any).
  db.pragma('analysis_limit = 1000');
  db.pragma('optimize = 0x10002');
  lastOptimize.set(db, Date.now());
  return db;
}

const CACHED_STATEMENTS = 1000;

/**
 * `db.prepare` keeps the statements it compiled, by SQL text: the server prepares the same few
 * hundred statements again and again (a page of 250 sessions ran well over a thousand
 * prepares, each a parse and plan of its own). A statement still busy (an open `iterate()`)
 * is not handed out twice: that caller gets a fresh one. The cache starts over when full, so
 * SQL with values spelled into it cannot grow it without bound. A shared statement keeps any
 * mode set on it, so server code never calls `pluck()`/`raw()`/`expand()` on a prepared one.
 */
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const hit = cache.get(sql);
    if (hit && !hit.busy) return hit;
    const stmt = prepare(sql);
    if (!hit) {
      if (cache.size >= CACHED_STATEMENTS) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  }) as typeof db.prepare;
}

/** Statistics for the planner afresh, at once: call after a bulk load. */
export function refreshStatistics(db: Db): void {
  db.exec('ANALYZE');
  lastOptimize.set(db, Date.now());
}

const lastOptimize = new WeakMap<Db, number>();
const OPTIMIZE_EVERY_MS = 60_000;

/**
 * Keep the statistics current on a long-lived connection (as SQLite advises): at most once a
 * minute, `PRAGMA optimize` re-analyses the tables that grew or shrank a lot since (cheap when
 * none did). The finders call it before their query.
 */
export function keepStatisticsCurrent(db: Db, now = Date.now()): void {
  if (now - (lastOptimize.get(db) ?? 0) < OPTIMIZE_EVERY_MS) return;
  lastOptimize.set(db, now);
  db.pragma('optimize');
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this server (${MIGRATIONS.length})`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
