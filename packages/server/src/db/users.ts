import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './open.js';
import type { UserDoc } from '../app/context.js';
import { now } from '../app/time.js';

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
/** A fresh random API key (the secret part only, no host/port prefix). */
export const newKey = () => randomBytes(24).toString('base64url');

export interface UserRow {
  id: string;
  root: number;
  created: string;
  modified: string;
  doc: string;
}

export function getUser(db: Db, id: string): UserDoc | undefined {
  const row = db.prepare('SELECT doc FROM users WHERE id = ?').get(id) as
    { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as UserDoc) : undefined;
}

export function saveUser(db: Db, doc: UserDoc): void {
  db.prepare(
    `INSERT INTO users (id, root, created, modified, doc) VALUES (@id, @root, @created, @modified, @doc)
     ON CONFLICT(id) DO UPDATE SET root=@root, modified=@modified, doc=@doc`,
  ).run({
    id: doc._id,
    root: doc.root ? 1 : 0,
    created: doc.created,
    modified: doc.modified,
    doc: JSON.stringify(doc),
  });
}

export function createUserDoc(input: Partial<UserDoc> & { _id: string }): UserDoc {
  const t = now();
  return {
    firstname: '',
    lastname: '',
    email: input._id,
    disabled: false,
    preferences: {},
    info: {},
    ...input,
    root: Boolean(input.root),
    roles: input.root ? ['site_admin', 'user'] : ['user'],
    created: t,
    modified: t,
  };
}

/** Store a key (hashed) for a user; returns nothing, the caller already knows the key. */
export function addKey(db: Db, userId: string, key: string): void {
  db.prepare('INSERT INTO api_keys (key_hash, user_id, created) VALUES (?, ?, ?)').run(
    hashKey(key),
    userId,
    now(),
  );
}

export function userByKey(
  db: Db,
  key: string,
): { user: UserDoc; keyHash: string; created: string; last_used: string | null } | undefined {
  const keyHash = hashKey(key);
  const row = db
    .prepare(
      `SELECT u.doc AS doc, k.created AS created, k.last_used AS last_used
       FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?`,
    )
    .get(keyHash) as { doc: string; created: string; last_used: string | null } | undefined;
  if (!row) return undefined;
  return {
    user: JSON.parse(row.doc) as UserDoc,
    keyHash,
    created: row.created,
    last_used: row.last_used,
  };
}

/**
 * Record that a key was used now, given what {@link userByKey} found. The time is kept to the
 * second: a key already stamped within the current second is not written again, so a burst of
 * calls with one key costs one write a second rather than one per call.
 */
export function touchKey(
  db: Db,
  found: { keyHash: string; last_used: string | null },
  at: string = now(),
): void {
  if (found.last_used !== null && found.last_used.slice(0, 19) === at.slice(0, 19)) return;
  db.prepare('UPDATE api_keys SET last_used = ? WHERE key_hash = ?').run(at, found.keyHash);
}

export function keyInfo(
  db: Db,
  key: string,
): { created: string; last_used: string | null } | undefined {
  return db
    .prepare('SELECT created, last_used FROM api_keys WHERE key_hash = ?')
    .get(hashKey(key)) as { created: string; last_used: string | null } | undefined;
}

/** A key that never expires (`ApiKeyOutput.expires_at` is required). */
export const NEVER = '9999-12-31T23:59:59.000000+00:00';

/** The user's API keys as `ApiKeyOutput` (no secrets). */
export function userKeys(db: Db, userId: string): Record<string, unknown>[] {
  const rows = db
    .prepare('SELECT key_hash, created, last_used FROM api_keys WHERE user_id = ? ORDER BY created')
    .all(userId) as { key_hash: string; created: string; last_used: string | null }[];
  return rows.map((r) => ({
    label: 'api key',
    // the key's id (for DELETE /users/self/key/{id_}), not its secret
    key: r.key_hash.slice(0, 24),
    created: r.created,
    ...(r.last_used ? { last_used: r.last_used } : {}),
    expires_at: NEVER,
  }));
}
