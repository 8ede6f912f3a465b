import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

// A key's last_used is stamped to the second: a burst of calls with one key writes the key's
// row about once a second, not once per call (each write took a share of every GET's time).
const t = useServer();

const lastUsed = (id: string): string | null => {
  const db = new Database(join(t.server.dataDir, 'flywheel.sqlite'), { readonly: true });
  try {
    const row = db
      .prepare('SELECT k.last_used AS at FROM api_keys k WHERE k.user_id = ?')
      .get(id) as { at: string | null };
    return row.at;
  } finally {
    db.close();
  }
};

describe('API key last_used', () => {
  it('is set by the first call and written at most once a second after that', async () => {
    const id = 'last-used@example.org';
    const key = await t.createUser(id);
    expect(lastUsed(id)).toBeNull();
    // count the server's writes of the stamp with a trigger (it fires on the server's connection)
    const db = new Database(join(t.server.dataDir, 'flywheel.sqlite'));
    db.exec(`CREATE TABLE touch_log (at TEXT);
      CREATE TRIGGER log_touch AFTER UPDATE OF last_used ON api_keys
      BEGIN INSERT INTO touch_log VALUES (NEW.last_used); END`);
    try {
      const started = Date.now();
      for (let i = 0; i < 40; i++) {
        const r = await t.call('GET', '/users/self', { key });
        expect(r.status).toBe(200);
      }
      const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
      const writes = db.prepare('SELECT at FROM touch_log').all() as { at: string }[];
      expect(writes.length).toBeGreaterThanOrEqual(1);
      expect(writes.length).toBeLessThanOrEqual(seconds);
      // one write per second at most: no two stamps share a second
      const perSecond = new Set(writes.map((w) => w.at.slice(0, 19)));
      expect(perSecond.size).toBe(writes.length);
      expect(lastUsed(id)).toBe(writes.at(-1)!.at);

      // a call in a later second stamps the key again
      await new Promise((r) => setTimeout(r, 1100));
      await t.call('GET', '/users/self', { key });
      expect(lastUsed(id)! > writes.at(-1)!.at).toBe(true);
    } finally {
      db.exec('DROP TRIGGER log_touch; DROP TABLE touch_log');
      db.close();
    }
  });
});
