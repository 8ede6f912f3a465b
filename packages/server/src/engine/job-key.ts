/**
 * The api key a job hands its gear (the manifest's `api-key` input): a fresh key of the job's
 * origin user (the site admin for jobs started by a gear rule), revoked when the job ends. Only
 * its hash is in the database; the key itself lives in the job's config.json only.
 */
import type { Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';
import { addKey, getUser, hashKey, newKey } from '../db/users.js';

export interface JobKey {
  /** The key in `host:port:__force_insecure:secret` form, made on first use. */
  get(): string;
  revoke(): void;
}

export function jobKey(db: Db, job: Doc, adminId: string, sdkKey: (k: string) => string): JobKey {
  let secret: string | undefined;
  return {
    get() {
      if (!secret) {
        const origin = job.origin as Doc | undefined;
        const userId =
          origin?.type === 'user' && getUser(db, String(origin.id)) ? String(origin.id) : adminId;
        secret = newKey();
        addKey(db, userId, secret);
      }
      return sdkKey(secret);
    },
    revoke() {
      if (!secret) return;
      try {
        db.prepare('DELETE FROM api_keys WHERE key_hash = ?').run(hashKey(secret));
      } catch {
        // database already closed: the key went with it
      }
      secret = undefined;
    },
  };
}
