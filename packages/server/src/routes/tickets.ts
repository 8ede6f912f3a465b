import type { AppState } from '../app/context.js';
import type { Db } from '../db/open.js';
import { badRequest, notFound } from '../app/errors.js';
import { uuid } from '../app/ids.js';

/** Short-lived download tickets: `?ticket=` issues one, `?ticket=<id>` redeems it without auth. */
export function createTicket(state: AppState, kind: string, data: Record<string, unknown>): string {
  const id = uuid();
  const t = Date.now();
  state.db.prepare('DELETE FROM tickets WHERE expires < ?').run(t);
  state.db
    .prepare('INSERT INTO tickets (id, kind, expires, doc) VALUES (?, ?, ?, ?)')
    .run(id, kind, t + state.ticketTtlMs, JSON.stringify(data));
  return id;
}

/** Check a ticket exists, is unexpired and was issued for exactly this target. */
export function useTicket(
  db: Db,
  id: string,
  expected: { kind: string } & Record<string, unknown>,
): Record<string, unknown> {
  const row = db.prepare('SELECT kind, expires, doc FROM tickets WHERE id = ?').get(id) as
    { kind: string; expires: number; doc: string } | undefined;
  if (!row || row.expires < Date.now()) throw notFound('ticket not found or expired');
  const doc = JSON.parse(row.doc) as Record<string, unknown>;
  if (row.kind !== expected.kind) throw badRequest('ticket does not match this request');
  for (const [k, v] of Object.entries(expected)) {
    if (k !== 'kind' && doc[k] !== v) throw badRequest('ticket does not match this request');
  }
  return doc;
}
