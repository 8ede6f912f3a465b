import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/open.js';
import { hashKey, NEVER, newKey } from '../db/users.js';
import type { CurrentUser } from './context.js';
import { getDoc, insertDoc, saveDoc, type StoredDoc } from './documents.js';
import { HttpError } from './errors.js';
import { objectId } from './ids.js';
import { now } from './time.js';

/**
 * Device (drone) credentials, as a site has them:
 * - a drone login sends `X-SciTran-Auth: <site drone secret>`, `X-SciTran-Method: <type>` and
 *   `X-SciTran-Name: <name>`; the device of that type and name is found (or registered) and the
 *   request acts as it. The secret is `startServer({ droneSecret })` or the server process'
 *   `FW_DRONE_SECRET` environment variable; without either, drone logins are refused.
 * - a device's own keys (`scitran-user <key>`, like a user key) come from its first drone login
 *   (`key`, answered to the device by `GET /devices/{id}`) or from `POST /devices/{id}/key`.
 * Devices act with site-wide access (a site trusts its drones to place data anywhere).
 * Only SHA-256 hashes of keys are matched; the drone `key` is kept so the device can read it.
 */
export const DRONE_SECRET_ENV = 'FW_DRONE_SECRET';
const KIND = 'device';

export interface DeviceKey {
  id: string;
  key_hash: string;
  label?: string;
  created: string;
  expires_at?: string;
  last_used?: string;
}

export const isDevice = (u: CurrentUser | null | undefined): boolean => u?.doc.device === true;

/** The request identity of a device. */
export function deviceUser(d: StoredDoc, key: string | null): CurrentUser {
  return {
    doc: {
      _id: d._id as string,
      device: true,
      firstname: String(d.label ?? d.name ?? ''),
      lastname: '',
    },
    isAdmin: true,
    key,
  };
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The device a drone login names, or a 401 saying what is wrong. */
export function droneLogin(
  db: Db,
  expected: string | undefined,
  secret: string,
  method: string,
  name: string,
): StoredDoc {
  if (!expected)
    throw new HttpError(
      401,
      `drone logins are not enabled on this server: start it with the droneSecret option or ${DRONE_SECRET_ENV} set`,
    );
  if (!timingSafeEqual(sha(secret), sha(expected)))
    throw new HttpError(401, 'Invalid drone secret');
  if (!method || !name)
    throw new HttpError(401, 'a drone login needs X-SciTran-Method and X-SciTran-Name');
  const row = db
    .prepare(
      `SELECT doc FROM documents WHERE kind = ? AND json_extract(doc, '$.type') = ?
         AND json_extract(doc, '$.name') = ? ORDER BY id LIMIT 1`,
    )
    .get(KIND, method, name) as { doc: string } | undefined;
  let d = row ? (JSON.parse(row.doc) as StoredDoc) : undefined;
  if (!d) {
    d = insertDoc(db, KIND, {
      label: name,
      name,
      type: method,
      method,
      disabled: false,
      errors: [],
      info: {},
      storage_config: { storage_strategy: 'site' },
    });
  }
  if (d.disabled) throw new HttpError(401, `device ${String(d._id)} is disabled`);
  if (typeof d.key !== 'string') {
    // the key the device reads back through GET /devices/{id} (drone_login's second step)
    const key = newKey();
    d.key = key;
    d.api_keys = [...((d.api_keys as DeviceKey[]) ?? []), keyEntry(key, 'drone')];
    saveDoc(db, KIND, d);
  }
  d.last_seen = now();
  return saveDoc(db, KIND, d, false);
}

function keyEntry(key: string, label?: string, expiresAt?: string): DeviceKey {
  return {
    id: objectId(),
    key_hash: hashKey(key),
    created: now(),
    ...(label ? { label } : {}),
    ...(expiresAt ? { expires_at: expiresAt } : {}),
  };
}

/** The enabled device one of whose keys this is (not expired). */
export function deviceByKey(db: Db, key: string): StoredDoc | undefined {
  const h = hashKey(key);
  const row = db
    .prepare(
      `SELECT doc FROM documents WHERE kind = ? AND EXISTS (SELECT 1 FROM json_each(doc, '$.api_keys') k
         WHERE json_extract(k.value, '$.key_hash') = ?) LIMIT 1`,
    )
    .get(KIND, h) as { doc: string } | undefined;
  if (!row) return undefined;
  const d = JSON.parse(row.doc) as StoredDoc;
  const entry = (d.api_keys as DeviceKey[]).find((k) => k.key_hash === h)!;
  if (d.disabled || (entry.expires_at && Date.parse(entry.expires_at) < Date.now()))
    return undefined;
  entry.last_used = now();
  d.last_seen = entry.last_used;
  return saveDoc(db, KIND, d, false);
}

/** `POST /devices/{id}/key`: a new key; the secret is answered once. */
export function generateDeviceKey(
  db: Db,
  id: string,
  o: { label?: string; expires_at?: string },
): { entry: DeviceKey; key: string } {
  const d = getDoc(db, KIND, id);
  if (!d) throw new HttpError(404, `device ${id} not found`);
  const key = newKey();
  const entry = keyEntry(key, o.label, o.expires_at);
  d.api_keys = [...((d.api_keys as DeviceKey[]) ?? []), entry];
  saveDoc(db, KIND, d);
  return { entry, key };
}

/** `DELETE /devices/{id}/key/{key_id}`; the drone key goes with its entry. */
export function deleteDeviceKey(db: Db, id: string, keyId: string): void {
  const d = getDoc(db, KIND, id);
  if (!d) throw new HttpError(404, `device ${id} not found`);
  const keys = (d.api_keys as DeviceKey[]) ?? [];
  const gone = keys.find((k) => k.id === keyId);
  if (!gone) throw new HttpError(404, `device ${id} has no key ${keyId}`);
  d.api_keys = keys.filter((k) => k !== gone);
  if (typeof d.key === 'string' && hashKey(d.key) === gone.key_hash) delete d.key;
  saveDoc(db, KIND, d);
}

/** A device key entry as answered (`ApiKeyOutput`, the key's id in `key`, never the secret). */
export const presentKey = (k: DeviceKey) => ({
  key: k.id,
  created: k.created,
  expires_at: k.expires_at ?? NEVER,
  ...(k.label ? { label: k.label } : {}),
  ...(k.last_used ? { last_used: k.last_used } : {}),
});
